// Package shell is socklab's side facing the person: the command line, the
// REPL loop (reading with readline, continuation lines, history), printing
// values, tab completion and colours. It knows nothing of sockets: it
// compiles and runs Lua through luabind/runtime and prints what comes back.
//
// The command line follows the lua binary (see usageText): a script with its
// arguments in the global arg and in ..., repeated -e chunks, -i for a REPL
// after them, and - or a piped stdin for a chunk read from stdin.
//
// The REPL follows lua.c: a line is first compiled as `return <line>`, so an
// expression prints its values; otherwise as statements; a chunk that is
// merely incomplete reads another line under the continuation prompt. Each
// chunk runs as a foreground task under a context that only Ctrl-C cancels
// (SIGINT: while code runs the terminal is in cooked mode). Lua output goes
// through readline's writers so that background tasks print above the prompt.
//
// Everything that reads or formats Lua values (printing, completion) goes
// through rt.Do, because background tasks run Lua concurrently.
package shell

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"socklab/luabind/runtime"
)

// Version is socklab's version, printed by --version and the banner.
var Version = "0.1.0-dev"

// session is one run of socklab: the runtime plus the person's streams.
type session struct {
	rt     *runtime.Runtime
	opts   *options
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	colour colours

	entries  int    // REPL entries read so far; entry n is compiled as stdin[n]
	entrySrc string // the source of the entry being read or run

	// onExit runs before os.exit leaves the process (the REPL closes
	// readline there, restoring the terminal and flushing history).
	onExit func()
}

// Main runs socklab with the command line argv (argv[0] is the program name,
// as in os.Args) and returns the process exit code. When stdin is a terminal
// and no script is given it runs the REPL.
//
// os.exit(n) in Lua leaves the process directly, with code n, after the
// runtime has closed every socket.
func Main(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseArgs(argv, stderr)
	if err != nil {
		return ExitUsage
	}
	if opts.help {
		fmt.Fprintf(stdout, usageText, opts.prog)
		return ExitOK
	}
	if opts.version {
		fmt.Fprintln(stdout, versionString())
		return ExitOK
	}

	// Read the script before starting anything: an unreadable file is a
	// usage error (2), as for lua.
	var script []byte
	scriptName := opts.script
	stdinTTY := isTerminal(stdin)
	readStdin := opts.script == "-" ||
		(opts.script == "" && len(opts.exprs) == 0 && !opts.interactive && !stdinTTY)
	switch {
	case readStdin:
		script, err = io.ReadAll(stdin)
		scriptName = "stdin"
	case opts.script != "":
		script, err = os.ReadFile(opts.script)
	}
	if err != nil {
		fmt.Fprintf(stderr, "socklab: cannot open %s: %v\n", scriptName, unwrapPathError(err))
		return ExitUsage
	}

	s := &session{
		rt:     runtime.New(),
		opts:   opts,
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		colour: coloursFor(stdout),
	}
	rt := s.rt
	defer rt.Close()
	rt.SetOutput(stdout, stderr)
	rt.SetTerminal(isTerminal(stderr))
	rt.SetHelpWidth(helpWidth(stdout))
	rt.SetExitHook(func(code int) {
		if s.onExit != nil {
			s.onExit()
		}
		os.Exit(code)
	})

	for _, e := range opts.exprs {
		if code := s.runMain(e, "(command line)", nil); code != ExitOK {
			return code
		}
	}
	if readStdin || opts.script != "" {
		s.setArg()
		args := make([]lua.LValue, len(opts.scriptArgs))
		for i, a := range opts.scriptArgs {
			args[i] = lua.LString(a)
		}
		if code := s.runMain(stripShebang(string(script)), scriptName, args); code != ExitOK {
			return code
		}
	}
	if opts.interactive || (opts.script == "" && len(opts.exprs) == 0) {
		return s.repl(len(opts.exprs) == 0 && opts.script == "")
	}
	return ExitOK
}

// setArg sets the global arg as the lua binary does: arg[0] is the script,
// arg[1..] its arguments, negative indices the interpreter and the options
// before the script (so arg[-1] is the interpreter when there are none).
func (s *session) setArg() {
	o := s.opts
	s.rt.Do(func(L *lua.LState) {
		t := L.NewTable()
		before := append([]string{o.prog}, o.before...)
		for i, a := range before {
			t.RawSetInt(i-len(before), lua.LString(a))
		}
		name := o.script
		if name == "" {
			name = "-"
		}
		t.RawSetInt(0, lua.LString(name))
		for i, a := range o.scriptArgs {
			t.RawSetInt(i+1, lua.LString(a))
		}
		L.SetGlobal("arg", t)
	})
}

// stripShebang blanks a first line starting with '#' (#!/usr/bin/env
// socklab), keeping the newline so that line numbers stay right.
func stripShebang(src string) string {
	if !strings.HasPrefix(src, "#") {
		return src
	}
	if i := strings.IndexByte(src, '\n'); i >= 0 {
		return src[i:]
	}
	return ""
}

// compileErrorMessage renders a syntax error the way lua does,
// "file:3: unexpected symbol near ')'", rather than gopher-lua's
// "file line:3(column:5) near ')':   syntax error".
func compileErrorMessage(err error, name, text string) string {
	var perr *parse.Error
	if errors.As(err, &perr) {
		src := perr.Pos.Source
		if src == "" {
			src = name
		}
		msg := perr.Message
		if perr.Pos.Line == parse.EOF { // the last line, as lua says "near <eof>"
			return fmt.Sprintf("%s:%d: unexpected end of input (an unfinished expression or statement, or a missing 'end', ')', '}' or closing quote)", src, strings.Count(strings.TrimRight(text, "\n"), "\n")+1)
		}
		return fmt.Sprintf("%s:%d: %s near '%s'", src, perr.Pos.Line, msg, perr.Token)
	}
	var cerr *lua.CompileError
	if errors.As(err, &cerr) {
		return fmt.Sprintf("%s:%d: %s", name, cerr.Line, cerr.Message)
	}
	return strings.TrimSpace(err.Error())
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func versionString() string {
	goVersion, lib := "", "gopher-lua"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, d := range bi.Deps {
			if d.Path == "github.com/yuin/gopher-lua" {
				lib += " " + d.Version
			}
		}
	}
	return fmt.Sprintf("socklab %s (Lua 5.1 on %s, %s)", Version, lib, goVersion)
}
