package shell

import (
	"io"
	"os"
	"path/filepath"

	"golang.org/x/term"
)

// isTerminal reports whether f is an *os.File on a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// colours holds the escape sequences the REPL uses; all empty when colour is
// off (stdout not a terminal, or NO_COLOR set: https://no-color.org).
type colours struct {
	prompt, err, value, reset string
}

func coloursFor(stdout io.Writer) colours {
	if _, noColour := os.LookupEnv("NO_COLOR"); noColour || !isTerminal(stdout) {
		return colours{}
	}
	return colours{
		prompt: "\x1b[1;34m", // bold blue
		err:    "\x1b[31m",   // red
		value:  "\x1b[36m",   // cyan
		reset:  "\x1b[0m",
	}
}

// paint wraps s in colour c (nothing when colours are off).
func (c colours) paint(code, s string) string {
	if code == "" {
		return s
	}
	return code + s + c.reset
}

// historyPath is $XDG_STATE_HOME/socklab/history, by default
// ~/.local/state/socklab/history. It creates the directory, and returns ""
// when there is nowhere to keep history.
func historyPath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "socklab")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "history")
}
