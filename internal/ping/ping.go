package ping

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// Options are iputils ping's, with its defaults where zero.
type Options struct {
	Count    int           // -c: echoes to send; 0 sends until Deadline or cancel
	Interval time.Duration // -i: between echoes; 0 floods (-f: the next as soon as a reply comes, or after 10 ms)
	Deadline time.Duration // -w: stop after this long whatever happened; 0: none
	Timeout  time.Duration // -W: how long to wait for a reply when none came; 0: 10 s
	Size     int           // -s: payload bytes, 0-65507; set Sized for 0
	Sized    bool          // Size was given (so 0 means 0, not the default 56)
	TTL      int           // -t: 0 leaves the system default
	Method   string        // "", MethodRaw, MethodDgram or MethodTCP
	Port     int           // TCP probes: the port (default 80)
	// OnLine, when set, receives each output line as it happens (the
	// header, each reply or error), not the summary. A flood (Interval 0)
	// has no reply lines: it sends OnLine the header, then OnMark what
	// ping -f prints, "." per echo sent and "\b \b" per reply.
	OnLine func(string)
	OnMark func(string)
}

// Reply is one answer to an echo request, or an ICMP error about one.
type Reply struct {
	Seq   int
	From  netip.Addr
	Bytes int           // ICMP message length ("64 bytes from")
	TTL   int           // 0 when unknown
	RTT   time.Duration // 0 for an error
	Dup   bool
	// Corrupt: the reply's checksum was wrong (iputils' "BAD CHECKSUM!");
	// it does not count as received.
	Corrupt bool
	Error   string // "Destination Host Unreachable", "Time to live exceeded", …; "" for a reply
	Note    string // TCP probes: "open" or "refused"

	sendErr bool // the error came from sendmsg, not from the network
}

// Result is a whole run: every reply and the statistics.
type Result struct {
	Host        string // as given
	Addr        netip.Addr
	Method      string
	Skipped     []string // why other methods were not used
	Size        int
	Transmitted int
	Received    int // distinct replies
	Duplicates  int
	Corrupted   int // replies with a bad checksum (iputils' "+N corrupted")
	Errors      int
	Elapsed     time.Duration
	Interrupted bool // stopped by the context (Ctrl-C)
	Flood       bool // Interval 0: printed as ping -f prints, marks instead of reply lines

	timing              bool  // payload large enough for times (iputils needs 16 bytes)
	tsum, tsum2         int64 // µs, µs²: iputils' sums, duplicates included
	tmin, tmax          int64 // µs
	header, port        string
	numericHost, isIPv6 bool

	replies // NumReplies, Reply, Replies: replies.go
}

// MaxSize is the largest payload (65535 - 20 - 8).
const MaxSize = 65507

// ErrBadOptions wraps a misuse of Options.
var ErrBadOptions = errors.New("bad ping options")

func (o *Options) check() error {
	if o.Count < 0 {
		return fmt.Errorf("%w: count must be >= 0, got %d", ErrBadOptions, o.Count)
	}
	if o.Size < 0 || o.Size > MaxSize {
		return fmt.Errorf("%w: size must be 0-%d, got %d", ErrBadOptions, MaxSize, o.Size)
	}
	if o.TTL < 0 || o.TTL > 255 {
		return fmt.Errorf("%w: ttl must be 1-255, got %d", ErrBadOptions, o.TTL)
	}
	if o.Interval < 0 || o.Deadline < 0 || o.Timeout < 0 {
		return fmt.Errorf("%w: negative time", ErrBadOptions)
	}
	if o.Count == 0 && o.Deadline == 0 {
		return fmt.Errorf("%w: give a count or a deadline (every ping here is bounded)", ErrBadOptions)
	}
	switch o.Method {
	case "", MethodRaw, MethodDgram, MethodTCP:
	default:
		return fmt.Errorf("%w: method must be raw, dgram or tcp, got %q", ErrBadOptions, o.Method)
	}
	if o.Port < 0 || o.Port > 65535 {
		return fmt.Errorf("%w: port must be 1-65535, got %d", ErrBadOptions, o.Port)
	}
	if !o.Sized && o.Size == 0 {
		o.Size = 56
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Port == 0 {
		o.Port = 80
	}
	return nil
}

// Resolve turns host into one address of the wanted family (4, 6 or 0 for
// either, IPv4 preferred as iputils' ping does).
func Resolve(ctx context.Context, host string, family int) (netip.Addr, error) {
	if host == "" {
		return netip.Addr{}, fmt.Errorf("%w: empty host", ErrBadOptions)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if (family == 4 && !a.Unmap().Is4()) || (family == 6 && a.Unmap().Is4()) {
			return netip.Addr{}, fmt.Errorf("%s is not an IPv%d address", host, family)
		}
		if a.Is4In6() {
			return a.Unmap(), nil
		}
		return a, nil
	}
	network := "ip"
	if family != 0 {
		network = fmt.Sprintf("ip%d", family)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range addrs {
		if a.Unmap().Is4() {
			return a.Unmap(), nil
		}
	}
	return addrs[0], nil
}

// newID is a random echo identifier, so that concurrent pings on raw
// sockets (which all see every reply) tell theirs apart.
func newID() uint16 {
	var b [2]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint16(b[:])
}

// Ping pings addr (host is how the caller named it, for the lines). It
// returns the result so far when ctx is cancelled (Interrupted set), and an
// error only when no probe could be sent at all.
func Ping(ctx context.Context, host string, addr netip.Addr, o Options) (*Result, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	r := &Result{Host: host, Addr: addr, Size: o.Size, timing: o.Size >= 16, tmin: -1, Flood: o.Interval == 0}
	_, err := netip.ParseAddr(host)
	r.numericHost = err == nil
	r.isIPv6 = addr.Is6()
	var prober prober
	if o.Method != MethodTCP {
		ic, err := openICMP(addr, o.Method, &r.Skipped)
		if err == nil {
			if o.TTL > 0 {
				if err := ic.setTTL(o.TTL); err != nil {
					ic.close()
					return nil, err
				}
			}
			r.Method = ic.method
			if prober, err = newICMPProber(ic, addr, o.Size, o.Interval == 0); err != nil {
				ic.close()
				return nil, err
			}
		} else if o.Method != "" {
			return nil, fmt.Errorf("cannot open a %s ICMP socket: %w", o.Method, unwrapSyscall(err))
		}
	}
	if prober == nil {
		r.Method = MethodTCP
		r.timing = true
		r.port = fmt.Sprint(o.Port)
		prober = newTCPProber(addr, o.Port, o.TTL, o.Timeout)
	}
	defer prober.close()
	r.header = r.headerLine()
	if o.OnLine != nil {
		o.OnLine(r.header)
	}
	run(ctx, r, prober, o)
	return r, nil
}
