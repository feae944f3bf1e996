package resolver

import "errors"

// AddrInfoError is a getaddrinfo failure: an EAI_* code (negative, as in
// glibc) and glibc's gai_strerror text. Python raises it as gaierror.
type AddrInfoError struct {
	Code int
	Text string
}

func (e *AddrInfoError) Error() string { return e.Text }

// getaddrinfo's failures.
var (
	ErrNoName     = &AddrInfoError{-2, "Name or service not known"}                 // EAI_NONAME
	ErrAgain      = &AddrInfoError{-3, "Temporary failure in name resolution"}      // EAI_AGAIN
	ErrNoData     = &AddrInfoError{-5, "No address associated with hostname"}       // EAI_NODATA
	ErrFamily     = &AddrInfoError{-6, "ai_family not supported"}                   // EAI_FAMILY
	ErrSockType   = &AddrInfoError{-7, "ai_socktype not supported"}                 // EAI_SOCKTYPE
	ErrService    = &AddrInfoError{-8, "Servname not supported for ai_socktype"}    // EAI_SERVICE
	ErrAddrFamily = &AddrInfoError{-9, "Address family for hostname not supported"} // EAI_ADDRFAMILY
)

// HostError is a gethostbyname/gethostbyaddr failure: an h_errno code and
// glibc's hstrerror text. Python raises it as herror.
type HostError struct {
	Code int
	Text string
}

func (e *HostError) Error() string { return e.Text }

// gethostbyname's and gethostbyaddr's failures.
var (
	ErrHostNotFound = &HostError{1, "Unknown host"}                    // HOST_NOT_FOUND
	ErrTryAgain     = &HostError{2, "Host name lookup failure"}        // TRY_AGAIN
	ErrNoRecovery   = &HostError{3, "Unknown server error"}            // NO_RECOVERY
	ErrNoAddress    = &HostError{4, "No address associated with name"} // NO_ADDRESS
)

// Failures that are neither (CPython's own checks, worded as CPython does).
var (
	ErrWildcardFamily = errors.New("wildcard resolved to multiple address")
	ErrFamilyMismatch = errors.New("address family mismatched")
	ErrMultipleAddrs  = errors.New("sockaddr resolved to multiple addresses")
)

// failureWords words the ways a DNS lookup fails, in one vocabulary.
type failureWords struct {
	notFound       error // the name does not exist (NXDOMAIN)
	noDataViaCNAME error // the name is an alias whose target has no address
	noData         error // the name exists but has no address
	other          error // the servers failed to answer
}

// hostWords is h_errno's vocabulary (gethostbyname, gethostbyaddr).
var hostWords = failureWords{
	notFound:       ErrHostNotFound,
	noDataViaCNAME: ErrNoAddress,
	noData:         ErrNoAddress,
	other:          ErrTryAgain,
}

// gaiWords is EAI_*'s vocabulary (getaddrinfo).
var gaiWords = failureWords{
	notFound:       ErrNoName,
	noDataViaCNAME: ErrNoName, // what glibc says, measured
	noData:         ErrNoData,
	other:          ErrAgain,
}

// word maps a DNS failure to its word in w; other errors pass unchanged.
func (w *failureWords) word(err error) error {
	var de *dnsError
	if !errors.As(err, &de) {
		return err
	}
	switch {
	case de.notFound:
		return w.notFound
	case de.noData && de.viaCNAME:
		return w.noDataViaCNAME
	case de.noData:
		return w.noData
	}
	return w.other
}

// hostErr maps a DNS failure to h_errno.
func hostErr(err error) error { return hostWords.word(err) }

// gaiErr maps a DNS failure to EAI_*.
func gaiErr(err error) error { return gaiWords.word(err) }
