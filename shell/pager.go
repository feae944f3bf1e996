package shell

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"unicode/utf8"

	"golang.org/x/term"
)

// Long help on a terminal goes through a pager, as in Python's help():
// $PAGER if set, else `less -FRX` if it is installed, else a built-in
// "-- more --" pager. Help that fits the screen is simply written, and
// scripts and piped output never page (the runtime only pages through the
// Pager the REPL gives it when stdin and stdout are terminals).

// morePrompt is the built-in pager's prompt.
const morePrompt = "-- more -- (space: next page, Enter: next line, q: quit)"

// terminalSize is the size of the terminal f is on; ok is false when f is
// not a terminal.
func terminalSize(f io.Writer) (cols, rows int, ok bool) {
	file, isFile := f.(*os.File)
	if !isFile {
		return 0, 0, false
	}
	cols, rows, err := term.GetSize(int(file.Fd()))
	return cols, rows, err == nil && cols > 0 && rows > 0
}

// helpWidth is the width help wraps to on stdout: the terminal's, or 0
// (the runtime's default) when stdout is not a terminal.
func helpWidth(stdout io.Writer) int {
	cols, _, _ := terminalSize(stdout)
	return cols
}

// pageHelp shows a REPL line's help text on the terminal (a
// runtime.Pager).
func (s *session) pageHelp(ctx context.Context, text string) {
	cols, rows, ok := terminalSize(s.stdout)
	in, isFile := s.stdin.(*os.File)
	if !ok || !isFile || screenRows(text, cols) < rows {
		io.WriteString(s.stdout, text)
		return
	}
	if cmd := pagerCommand(); cmd != nil {
		cmd.Stdin = strings.NewReader(text)
		cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
		// Once it ran, how it ended (q in less, Ctrl-C) was the person's
		// doing; sh's 127 is a $PAGER that does not exist.
		if err := cmd.Run(); err == nil || cmd.ProcessState != nil && cmd.ProcessState.ExitCode() != 127 {
			return
		}
	}
	builtinPager(ctx, text, in, s.stdout, cols, rows)
}

// pagerCommand is the external pager to run: $PAGER (through sh, as git
// and man do), else less -FRX; nil when there is none. Ctrl-C reaches the
// pager itself (it runs in the terminal's foreground process group), which
// decides, as under git or man: less stays until q, more and cat leave.
// Killing it instead would leave the terminal in its raw mode.
func pagerCommand() *exec.Cmd {
	if p := os.Getenv("PAGER"); strings.TrimSpace(p) != "" {
		return exec.Command("/bin/sh", "-c", p)
	}
	if less, err := exec.LookPath("less"); err == nil {
		return exec.Command(less, "-FRX")
	}
	return nil
}

// screenRows is how many terminal rows text takes on a cols-wide screen.
func screenRows(text string, cols int) int {
	n := 0
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n += lineRows(line, cols)
	}
	return n
}

func lineRows(line string, cols int) int {
	if w := utf8.RuneCountInString(line); w > cols && cols > 0 {
		return (w + cols - 1) / cols
	}
	return 1
}

// builtinPager shows text a screenful at a time, reading one key at the
// "-- more --" prompt: space (or most keys) shows the next page, Enter the
// next line, q (or Ctrl-C, Ctrl-D) stops.
func builtinPager(ctx context.Context, text string, in *os.File, out io.Writer, cols, rows int) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	next := 0
	show := func(screen int) { // the lines that fit screen rows (at least one)
		for used := 0; next < len(lines); next++ {
			r := lineRows(lines[next], cols)
			if used+r > screen && used > 0 {
				break
			}
			used += r
			io.WriteString(out, lines[next]+"\n")
		}
	}
	show(rows - 1)
	for next < len(lines) && ctx.Err() == nil {
		io.WriteString(out, morePrompt)
		key := readKey(in)
		io.WriteString(out, "\r\x1b[K") // the prompt goes, the next line takes its place
		switch key {
		case 'q', 'Q', 3, 4, 0:
			return
		case '\r', '\n', 'j':
			show(1)
		default:
			show(rows - 1)
		}
	}
}

// readKey reads one key press from the terminal in raw mode; 0 when it
// cannot.
func readKey(in *os.File) byte {
	state, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return 0
	}
	defer term.Restore(int(in.Fd()), state)
	var buf [16]byte // an arrow key is several bytes: the first decides
	if n, err := in.Read(buf[:]); err != nil || n == 0 {
		return 0
	}
	return buf[0]
}
