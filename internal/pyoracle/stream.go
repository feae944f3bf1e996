package pyoracle

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Proc is a long-lived oracle for fuzz tests: one Python process answers
// requests one at a time, so each fuzz input costs a pipe round trip, not
// an interpreter start.
type Proc struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// Start runs script under Python, or returns nil when the interpreter is
// missing (the caller then checks only what needs no oracle).
func Start(tb testing.TB, script string) *Proc {
	tb.Helper()
	if _, err := os.Stat(Python); err != nil {
		return nil
	}
	cmd := exec.Command(Python, "-u", "-c", serve, script)
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8")
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	return &Proc{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}
}

// Ask sends one request and returns the answer.
func (p *Proc) Ask(tb testing.TB, req any) json.RawMessage {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	b, err := json.Marshal(req)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		tb.Fatalf("oracle write: %v", err)
	}
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		tb.Fatalf("oracle read: %v", err)
	}
	return json.RawMessage(line)
}

// Close ends the process.
func (p *Proc) Close() {
	if p == nil {
		return
	}
	p.in.Close()
	p.cmd.Wait()
}
