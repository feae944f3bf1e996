package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// Running a chunk in the foreground, for a script or -e (runMain) and for a
// REPL entry (eval): Ctrl-C interrupts it, and its error or its results are
// reported the way each of them shows them.

// runMain compiles and runs a non-interactive chunk (a -e string or a
// script), reporting an error as lua does, and returns the exit code. The
// first SIGINT interrupts the chunk (its sockets are closed); a second one
// leaves at once.
func (s *session) runMain(src, name string, args []lua.LValue) int {
	proto, err := s.rt.Compile(src, name)
	if err != nil {
		msg := compileErrorMessage(err, name, src)
		fmt.Fprintf(s.stderr, "socklab: %s\n", msg)
		if h := hintFor(src, msg); h != "" {
			fmt.Fprintf(s.stderr, "hint: %s\n", h)
		}
		return ExitError
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 2)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sigc:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sigc:
			fmt.Fprintln(s.stderr, "socklab: interrupted")
			os.Exit(ExitInterrupt)
		case <-done:
		}
	}()
	_, err = s.rt.Exec(ctx, proto, name, args...)
	switch {
	case ctx.Err() != nil: // Ctrl-C, even if the chunk then ended without error (see eval)
		fmt.Fprintln(s.stderr, "socklab: interrupted")
		return ExitInterrupt
	case err == nil:
		return ExitOK
	}
	msg := explainCallError(s.rt, src, runtime.ErrorMessage(err))
	fmt.Fprintf(s.stderr, "socklab: %s\n", msg)
	if tb := runtime.Traceback(err); tb != "" {
		fmt.Fprintln(s.stderr, strings.TrimRight(tb, "\n"))
	}
	if h := hintFor(src, msg); h != "" {
		fmt.Fprintf(s.stderr, "hint: %s\n", h)
	}
	return ExitError
}

// eval runs one chunk as a foreground task and prints its results or its
// error. SIGINT cancels the chunk's context: the runtime interrupts it (and
// the tasks it spawned) and closes what it opened. Tasks the chunk spawned
// keep running after it ends; a later Ctrl-C does not touch them.
func (s *session) eval(proto *lua.FunctionProto, sigc chan os.Signal, out, errOut io.Writer) {
	for len(sigc) > 0 { // a stale Ctrl-C must not interrupt the new chunk
		<-sigc
	}
	// Each Ctrl-C while the chunk runs interrupts it (a call such as
	// net.scan may return a partial result and let the line go on: the
	// next Ctrl-C interrupts it again); once it has returned, Ctrl-C
	// interrupts the printer's __tostring calls instead.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	intr := make(chan struct{}, 1)
	var ran atomic.Bool
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigc:
				if ran.Load() {
					cancel()
					continue
				}
				select {
				case intr <- struct{}{}:
				default:
				}
			case <-done:
				return
			}
		}
	}()
	results, err := s.rt.ExecInterruptible(intr, proto, s.chunkName())
	ran.Store(true)
	defer close(done)

	switch {
	// A chunk whose last act is a tail call of a Go function (`sleep(60)`
	// runs as `return sleep(60)`) and that was interrupted ends with the
	// interruption too (the runtime checks after the call).
	case err != nil && runtime.IsInterrupted(err):
		fmt.Fprintln(errOut, s.colour.paint(s.colour.err, "interrupted"))
	case err != nil:
		msg := explainCallError(s.rt, s.entrySrc, runtime.ErrorMessage(err))
		if h := hintFor(s.entrySrc, msg); h != "" {
			defer fmt.Fprintln(errOut, s.colour.paint(s.colour.err, "hint: "+h))
		}
		// A traceback helps when the error is inside a function; for a
		// one-line chunk it only repeats the message's position.
		if tb := strings.TrimRight(runtime.Traceback(err), "\n"); strings.Count(tb, "\n") > 2 {
			msg += "\n" + tb
		}
		fmt.Fprintln(errOut, s.colour.paint(s.colour.err, msg))
	case len(results) > 0:
		var text string
		s.rt.Do(func(L *lua.LState) {
			L.SetGlobal("_", results[0]) // the last result, as in Python's REPL
			text = formatResults(ctx, s.rt, L, results)
			if len(results) == 1 {
				if name := constantName(s.rt, L, s.entrySrc, results[0]); name != "" {
					text += " (" + name + ")"
				}
			}
		})
		fmt.Fprintln(out, s.colour.paint(s.colour.value, text))
	}
}
