package shell

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"

	"github.com/ergochat/readline"
	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

const (
	prompt       = "socklab> "
	contPrompt   = "   ...> "
	replChunk    = "stdin" // chunk name of REPL input, as lua uses; entry n is stdin[n]
	bannerFormat = "socklab %s: Lua 5.1 with network modules. help() for help, Ctrl-D to exit.\n"
)

// errPromptInterrupt is Ctrl-C at the prompt: drop the chunk being typed.
var errPromptInterrupt = errors.New("interrupted at the prompt")

// lineReader is where the REPL reads lines: readline on a terminal, plain
// lines otherwise (socklab -i with piped input), with no prompt or history.
type lineReader interface {
	readLine(prompt string) (string, error) // io.EOF at the end, errPromptInterrupt on Ctrl-C
	addHistory(entry string)
	close()
}

// repl reads chunks, runs them and prints their values until end of input.
func (s *session) repl(banner bool) int {
	var in lineReader
	out, errOut := s.stdout, s.stderr
	// The banner, the prompt and the line being edited go where the person
	// sees them: stdout, or stderr when stdout is a pipe (`socklab | tee
	// log`), as python3 does, so that the pipe gets only the output.
	editOut := s.stdout
	if !isTerminal(s.stdout) {
		editOut = s.stderr
	}
	if isTerminal(s.stdin) {
		rl, err := readline.NewFromConfig(&readline.Config{
			Prompt:                 prompt,
			HistoryFile:            historyPath(),
			DisableAutoSaveHistory: true, // a multi-line chunk is one entry
			HistorySearchFold:      true,
			AutoComplete:           &completer{rt: s.rt},
			InterruptPrompt:        "^C",
			Stdout:                 editOut,
			Stderr:                 s.stderr,
		})
		if err != nil {
			fmt.Fprintf(s.stderr, "socklab: %v\n", err)
			return ExitUsage
		}
		// Lua output, also from background tasks, goes through readline,
		// which clears the prompt line, writes, and redraws it; into a
		// pipe it goes straight.
		if editOut == s.stdout {
			out, errOut = rl.Stdout(), rl.Stderr()
		}
		s.rt.SetOutput(out, errOut)
		s.onExit = func() { rl.Close() }
		in = &readlineReader{rl: rl, rt: s.rt}
	} else {
		in = &plainReader{r: bufio.NewReader(s.stdin)}
	}
	defer in.close()
	if isTerminal(s.stdin) && isTerminal(s.stdout) {
		s.rt.SetPager(s.pageHelp) // long help a screenful at a time (pager.go)
	}
	if banner && isTerminal(s.stdin) {
		fmt.Fprintf(editOut, bannerFormat, Version)
	}

	// While a chunk runs the terminal is in cooked mode, so Ctrl-C arrives
	// as SIGINT; at the prompt readline sees it as a key.
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)

	for {
		proto, err := s.readChunk(in)
		switch {
		case err == io.EOF:
			return ExitOK
		case err == errPromptInterrupt:
			continue
		case err != nil:
			msg := compileErrorMessage(err, s.chunkName(), s.entrySrc)
			if h := hintFor(s.entrySrc, msg); h != "" {
				msg += "\nhint: " + h
			}
			fmt.Fprintln(errOut, s.colour.paint(s.colour.err, msg))
			continue
		}
		for _, w := range warningsFor(s.entrySrc) {
			fmt.Fprintln(errOut, s.colour.paint(s.colour.err, "hint: "+w))
		}
		// While a chunk runs no prompt is on screen, so output (the chunk's
		// and its results) goes straight to the terminal; readline's writer
		// would redraw a prompt after each write if its reader has not yet
		// noticed that the line was entered.
		s.rt.SetOutput(s.stdout, s.stderr)
		s.rt.SetHelpWidth(helpWidth(s.stdout)) // the window may have been resized
		s.eval(proto, sigc, s.stdout, s.stderr)
		s.rt.SetOutput(out, errOut)
	}
}

// readChunk reads lines until they form a complete chunk and compiles it:
// as an expression (`return <chunk>`) if possible, else as statements. A
// chunk is saved in history as one entry, even when it has several lines.
func (s *session) readChunk(in lineReader) (*lua.FunctionProto, error) {
	s.entries++
	var lines []string
	p := s.colour.paint(s.colour.prompt, prompt)
	for {
		line, err := in.readLine(p)
		if err != nil {
			return nil, err
		}
		if len(lines) == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if strings.HasPrefix(line, "=") { // lua 5.1's `=expr`
				line = "return " + line[1:]
			}
		}
		lines = append(lines, line)
		s.entrySrc = strings.Join(lines, "\n")
		proto, err := s.compileInput(s.entrySrc)
		// `while x:` is Python, not an unfinished Lua line: answer at once.
		if errors.Is(err, runtime.ErrIncomplete) && !pythonBlock.MatchString(line) {
			p = s.colour.paint(s.colour.prompt, contPrompt)
			continue
		}
		in.addHistory(s.historyEntry(lines))
		return proto, err
	}
}

// compileInput compiles REPL input the way lua.c does: first as
// `return <src>` so that expressions print their values, then as
// statements. The input counts as incomplete if the statements are, or if
// the expression form is and the statements are simply wrong (`1 +`, `{1,`).
func (s *session) compileInput(src string) (*lua.FunctionProto, error) {
	name := s.chunkName()
	if help, ok := helpRequest(src); ok {
		src = help
	}
	src = persistLocals(src)
	if values, ok := semicolonValues(src); ok {
		if proto, err := s.rt.Compile(values, name); err == nil {
			return proto, nil
		}
	}
	proto, retErr := s.rt.Compile("return "+src, name)
	if retErr == nil {
		return proto, nil
	}
	proto, err := s.rt.Compile(src, name)
	if err != nil && errors.Is(retErr, runtime.ErrIncomplete) {
		return nil, retErr
	}
	return proto, err
}

// historyEntry joins a multi-line chunk into one line when that still
// compiles (a history file holds one entry per line), a `--` comment
// becoming a block comment so that it does not swallow the next lines;
// otherwise (a long string across lines) the lines are kept apart.
func (s *session) historyEntry(lines []string) string {
	if len(lines) == 1 {
		return lines[0]
	}
	oneLine := make([]string, len(lines))
	for i, l := range lines {
		var ok bool
		if oneLine[i], ok = commentAsBlock(l); !ok {
			return strings.Join(lines, "\n")
		}
	}
	joined := strings.Join(oneLine, " ")
	if _, err := s.compileInput(joined); err != nil {
		return strings.Join(lines, "\n")
	}
	return joined
}

// readlineReader reads from the terminal with editing, history and
// completion.
type readlineReader struct {
	rl *readline.Instance
	rt *runtime.Runtime
}

func (r *readlineReader) readLine(prompt string) (string, error) {
	r.rl.SetPrompt(prompt)
	line, err := r.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", errPromptInterrupt
	}
	return line, err
}

func (r *readlineReader) addHistory(entry string) {
	for _, line := range strings.Split(entry, "\n") {
		r.rl.SaveToHistory(line)
	}
}

func (r *readlineReader) close() { r.rl.Close() }

// plainReader reads lines from a non-terminal: no prompt, no history (the
// input is a file or a pipe, not something a person typed).
type plainReader struct {
	r *bufio.Reader
}

func (p *plainReader) readLine(string) (string, error) {
	line, err := p.r.ReadString('\n')
	if err == io.EOF && line != "" {
		err = nil
	}
	return strings.TrimRight(line, "\r\n"), err
}

func (p *plainReader) addHistory(string) {}
func (p *plainReader) close()            {}

// chunkName names the entry being read or run: stdin[1], stdin[2]…, so that
// an error or a traceback points at the right entry.
func (s *session) chunkName() string { return fmt.Sprintf("%s[%d]", replChunk, s.entries) }

// pythonBlock is a Python block header (`while True:`, `if x:`): Lua would
// wait for more input; the shell answers with the Lua form instead.
var pythonBlock = regexp.MustCompile(`^\s*(while|if|elif|else|for|def|try|except|with|class)\b.*:\s*$`)
