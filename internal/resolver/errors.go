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

// hostErr maps a DNS failure to h_errno.
func hostErr(err error) error {
	var de *dnsError
	if errors.As(err, &de) {
		switch {
		case de.notFound:
			return ErrHostNotFound
		case de.noData:
			return ErrNoAddress
		}
		return ErrTryAgain
	}
	return err
}

// gaiErr maps a DNS failure to EAI_*.
func gaiErr(err error) error {
	var de *dnsError
	if errors.As(err, &de) {
		switch {
		case de.notFound:
			return ErrNoName
		case de.noData && de.viaCNAME:
			return ErrNoName // what glibc says, measured
		case de.noData:
			return ErrNoData
		}
		return ErrAgain
	}
	return err
}
