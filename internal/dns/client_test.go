package dns

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	miekg "github.com/miekg/dns"

	"socklab/internal/sock/socktest"
)

// fakeUDP serves one UDP socket with reply, which gets each query and
// returns the packets to send back, in order.
func fakeUDP(t *testing.T, reply func(q *miekg.Msg) [][]byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	socktest.ServePackets(t, pc, func(p []byte, from net.Addr) {
		q := new(miekg.Msg)
		if q.Unpack(p) != nil {
			return
		}
		for _, p := range reply(q) {
			pc.WriteTo(p, from)
		}
	})
	return pc.LocalAddr().String()
}

func pack(t *testing.T, m *miekg.Msg) []byte {
	p, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func answerA(q *miekg.Msg, ip string) *miekg.Msg {
	r := new(miekg.Msg)
	r.SetReply(q)
	rr, _ := miekg.NewRR(q.Question[0].Name + " 60 IN A " + ip)
	r.Answer = []miekg.RR{rr}
	return r
}

// TestRepliesThatDoNotMatchAreReadPast: a late reply to an earlier query
// (another ID), a packet without QR, a reply to another question and
// garbage all come before the real answer; the query takes the real one.
func TestRepliesThatDoNotMatchAreReadPast(t *testing.T) {
	server := fakeUDP(t, func(q *miekg.Msg) [][]byte {
		late := answerA(q, "10.0.0.1")
		late.Id = q.Id + 1
		notReply := answerA(q, "10.0.0.2")
		notReply.Response = false
		other := answerA(q, "10.0.0.3")
		other.Question[0].Name = "other.lab.test."
		return [][]byte{pack(t, late), pack(t, notReply), pack(t, other), {1, 2, 3}, append(pack(t, answerA(q, "10.0.0.4"))[:2:2], 0xff, 0xff), pack(t, answerA(q, "127.0.0.9"))}
	})
	resp, err := Query(context.Background(), "web.lab.test", miekg.TypeA, Options{Servers: []string{server}, Timeout: 10 * time.Second, Tries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Msg.Answer[0].(*miekg.A).A.String(); got != "127.0.0.9" {
		t.Fatalf("took %s, want the matching reply 127.0.0.9", got)
	}
}

// TestTruncatedAnswerRetriesOverTCP: the UDP answer has TC set (and is cut
// mid-record, as some servers do); the query asks again over TCP.
func TestTruncatedAnswerRetriesOverTCP(t *testing.T) {
	full := func(q *miekg.Msg) *miekg.Msg {
		r := new(miekg.Msg)
		r.SetReply(q)
		for i := 0; i < 40; i++ {
			rr, _ := miekg.NewRR(q.Question[0].Name + ` 60 IN TXT "` + strings.Repeat("y", 100) + `"`)
			r.Answer = append(r.Answer, rr)
		}
		return r
	}
	server := fakeUDP(t, func(q *miekg.Msg) [][]byte {
		p := pack(t, full(q))
		p[2] |= 1 << 1 // TC
		return [][]byte{p[:600]}
	})
	ln, err := net.Listen("tcp", server)
	if err != nil {
		t.Skipf("TCP port of the fake server taken: %v", err)
	}
	socktest.ServeConns(t, ln, func(c net.Conn) {
		co := &miekg.Conn{Conn: c}
		if q, err := co.ReadMsg(); err == nil {
			co.WriteMsg(full(q))
		}
	})
	resp, err := Query(context.Background(), "big.lab.test", miekg.TypeTXT, Options{Servers: []string{server}, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Truncated || resp.Transport != "tcp" || len(resp.Msg.Answer) != 40 {
		t.Fatalf("truncated %v transport %s answers %d", resp.Truncated, resp.Transport, len(resp.Msg.Answer))
	}
}

// TestSilentServerTimesOut: the timeout is honoured (every try is made)
// and the error says what happened.
func TestSilentServerTimesOut(t *testing.T) {
	t.Parallel()
	got := make(chan struct{}, 10)
	server := fakeUDP(t, func(q *miekg.Msg) [][]byte {
		got <- struct{}{}
		return nil
	})
	start := time.Now()
	_, err := Query(context.Background(), "web.lab.test", miekg.TypeA, Options{Servers: []string{server}, Timeout: 150 * time.Millisecond, Tries: 3})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want a timeout", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "timed out") || !strings.Contains(msg, server) || !strings.Contains(msg, "3 tries") {
		t.Fatalf("message %q", msg)
	}
	if elapsed < 3*150*time.Millisecond {
		t.Fatalf("gave up after %v, before 3 tries of 150ms", elapsed)
	}
	for i := 0; i < 3; i++ {
		<-got
	}
}

// TestCancelStopsQuery: cancelling the context ends a query at once.
func TestCancelStopsQuery(t *testing.T) {
	got := make(chan struct{}, 10)
	server := fakeUDP(t, func(q *miekg.Msg) [][]byte { got <- struct{}{}; return nil })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-got; cancel() }()
	_, err := Query(ctx, "web.lab.test", miekg.TypeA, Options{Servers: []string{server}, Timeout: time.Hour, Tries: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

// TestRefusedPortMovesOn: a server whose port is closed (ICMP refused)
// gives way to the next one.
func TestRefusedPortMovesOn(t *testing.T) {
	closed := "127.0.0.1:" + itoa(socktest.RefusedPort(t, "udp"))
	good := fakeUDP(t, func(q *miekg.Msg) [][]byte { return [][]byte{pack(t, answerA(q, "127.0.0.7"))} })
	resp, err := Query(context.Background(), "web.lab.test", miekg.TypeA, Options{Servers: []string{closed, good}, Timeout: 10 * time.Second})
	if err != nil || resp.Server != good {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	_, err = Query(context.Background(), "web.lab.test", miekg.TypeA, Options{Servers: []string{closed}, Timeout: 10 * time.Second, Tries: 1})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
