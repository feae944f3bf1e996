package dns

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	miekg "github.com/miekg/dns"
)

// Request is one query as a Handler sees it.
type Request struct {
	Msg       *miekg.Msg
	Question  miekg.Question
	Client    string // host:port of the asker
	Transport string // "udp" or "tcp"
}

// Handler answers one query. It returns nil to let the zone answer, or an
// Answer (whose Rcode may be NXDOMAIN, REFUSED…). An error makes the reply
// SERVFAIL. ctx is cancelled when the server closes.
type Handler func(ctx context.Context, req Request) (*Answer, error)

// ServerConfig says what a Server answers.
type ServerConfig struct {
	Listen  string  // "127.0.0.1:5353"; port 0 picks a free port (UDP and TCP share it)
	Zone    *Zone   // static records; may be nil
	Handler Handler // asked first; may be nil
	// Outside is the rcode for names neither the handler nor the zone
	// answers and the zone is not authoritative for; 0 means REFUSED, as an
	// authoritative-only server answers. NOERROR cannot be chosen.
	Outside int
	// OnError hears handler errors (the reply is SERVFAIL). May be nil.
	OnError func(req Request, err error)
}

// Server is a running DNS server on UDP and TCP.
type Server struct {
	udp, tcp *miekg.Server
	addr     string
	cfg      ServerConfig
	ctx      context.Context
	stop     context.CancelFunc
	done     chan struct{}
	closing  sync.Once
	queries  atomic.Int64
	errs     atomic.Int64
}

// Serve starts a server and returns once it listens on UDP and TCP.
func Serve(cfg ServerConfig) (*Server, error) {
	host, port, err := splitListen(cfg.Listen)
	if err != nil {
		return nil, err
	}
	if cfg.Outside == 0 {
		cfg.Outside = miekg.RcodeRefused
	}
	pc, ln, err := listenBoth(host, port)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, ctx: ctx, stop: stop, done: make(chan struct{}), addr: pc.LocalAddr().String()}
	s.udp = &miekg.Server{PacketConn: pc, Handler: miekg.HandlerFunc(s.serveDNS)}
	// A client on a loaded machine may send its query later than the
	// library's 2 s read timeout after connecting: be patient.
	s.tcp = &miekg.Server{Listener: ln, Handler: miekg.HandlerFunc(s.serveDNS),
		ReadTimeout: tcpPatience, WriteTimeout: tcpPatience, IdleTimeout: func() time.Duration { return tcpPatience }}
	var started sync.WaitGroup
	started.Add(2)
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for _, srv := range []*miekg.Server{s.udp, s.tcp} {
		var once sync.Once
		notify := func() { once.Do(started.Done) }
		srv.NotifyStartedFunc = notify
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.ActivateAndServe(); err != nil && s.ctx.Err() == nil {
				errc <- err
			}
			notify() // a server that failed to start never notified
		}()
	}
	go func() {
		wg.Wait()
		close(s.done)
	}()
	started.Wait()
	select {
	case err := <-errc:
		s.Close()
		return nil, err
	default:
	}
	return s, nil
}

func splitListen(listen string) (string, int, error) {
	if listen == "" {
		return "127.0.0.1", 0, nil
	}
	host, portStr, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("listen address %q: want host:port, like \"127.0.0.1:5353\"", listen)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("listen address %q: port must be 0-65535, got %q", listen, portStr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return host, port, nil
}

// udpReadBuffer is the receive buffer a server asks for: room for about
// a thousand small queries.
const udpReadBuffer = 2 << 20

// listenBoth binds UDP then TCP on the same port; with port 0 it retries
// when the kernel's UDP choice is taken for TCP.
func listenBoth(host string, port int) (net.PacketConn, net.Listener, error) {
	var lastErr error
	for try := 0; try < 20; try++ {
		pc, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return nil, nil, err
		}
		// A burst of queries (a thousand clients at once) overflows the
		// default receive buffer, and every dropped query waits out its
		// client's timeout: ask for more (the kernel caps it at rmem_max).
		if u, ok := pc.(*net.UDPConn); ok {
			u.SetReadBuffer(udpReadBuffer)
		}
		p := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		lastErr = err
		if port != 0 {
			break
		}
	}
	return nil, nil, lastErr
}

// Addr is the address the server listens on, host:port.
func (s *Server) Addr() string { return s.addr }

// Port is the port it listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Queries is how many queries it has received.
func (s *Server) Queries() int64 { return s.queries.Load() }

// Errors is how many handler errors it has answered with SERVFAIL.
func (s *Server) Errors() int64 { return s.errs.Load() }

// Done is closed once the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// tcpPatience is how long a TCP connection may stay silent.
const tcpPatience = 30 * time.Second

// shutdownGrace bounds how long Close waits for queries being answered.
const shutdownGrace = 5 * time.Second

// Stop stops the server without waiting: handlers' contexts are
// cancelled and the sockets closed at once (the port is free when it
// returns); queries being answered finish by themselves, and Done is
// closed when the last has. Safe to call more than once, and from code
// that a handler may be waiting on.
func (s *Server) Stop() {
	s.closing.Do(func() {
		s.stop()
		s.udp.PacketConn.Close()
		s.tcp.Listener.Close()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			s.udp.ShutdownContext(ctx)
			s.tcp.ShutdownContext(ctx)
		}()
	})
}

// Close stops the server and waits (a few seconds at most) for the
// queries being answered.
func (s *Server) Close() error {
	s.Stop()
	t := time.NewTimer(shutdownGrace)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
	}
	return nil
}

func (s *Server) serveDNS(w miekg.ResponseWriter, r *miekg.Msg) {
	s.queries.Add(1)
	reply := s.answer(w, r)
	if reply == nil {
		return // the handler gave up (server closing): send nothing
	}
	size := miekg.MaxMsgSize
	if _, isUDP := w.RemoteAddr().(*net.UDPAddr); isUDP {
		size = miekg.MinMsgSize
		if opt := r.IsEdns0(); opt != nil && int(opt.UDPSize()) > size {
			size = int(opt.UDPSize())
		}
	}
	reply.Truncate(size)
	w.WriteMsg(reply)
}

// answer builds the reply to r: FORMERR for anything but one question,
// NOTIMP for an opcode other than QUERY, else the handler's or the zone's
// answer.
func (s *Server) answer(w miekg.ResponseWriter, r *miekg.Msg) *miekg.Msg {
	reply := new(miekg.Msg)
	if r.Opcode != miekg.OpcodeQuery {
		return reply.SetRcode(r, miekg.RcodeNotImplemented)
	}
	if len(r.Question) != 1 {
		return reply.SetRcodeFormatError(r)
	}
	reply.SetReply(r)
	if opt := r.IsEdns0(); opt != nil {
		reply.SetEdns0(DefaultUDPSize, false)
	}
	q := r.Question[0]
	var ans *Answer
	if s.cfg.Handler != nil {
		transport := "udp"
		if _, isTCP := w.RemoteAddr().(*net.TCPAddr); isTCP {
			transport = "tcp"
		}
		req := Request{Msg: r, Question: q, Client: w.RemoteAddr().String(), Transport: transport}
		var err error
		ans, err = s.cfg.Handler(s.ctx, req)
		if s.ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.errs.Add(1)
			if s.cfg.OnError != nil {
				s.cfg.OnError(req, err)
			}
			reply.Rcode = miekg.RcodeServerFailure
			return reply
		}
		reply.Authoritative = ans != nil
	}
	if ans == nil && s.cfg.Zone != nil {
		zans := s.cfg.Zone.Lookup(q)
		if zans.Known {
			ans = &zans
			reply.Authoritative = true
		}
	}
	if ans == nil {
		reply.Rcode = s.cfg.Outside
		return reply
	}
	reply.Rcode = ans.Rcode
	reply.Answer = ans.Answer
	reply.Ns = ans.Authority
	reply.Extra = append(ans.Additional, reply.Extra...) // OPT stays last
	return reply
}
