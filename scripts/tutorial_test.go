package scripts_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tutorialPath is the guided tutorial whose examples this test runs.
const tutorialPath = "../docs/TUTORIAL.md"

// An example in the tutorial is a fenced block of one of two kinds:
//
//   - ```lua whose first line starts with the prompt "socklab> ": what a
//     learner types at the REPL (continuation lines start with "   ...> ")
//     and, on the other lines, what they see. The typed lines are fed to
//     `socklab -i` (one fresh REPL per block) and everything it prints, on
//     stdout and stderr, must match the other lines.
//   - ```console whose lines starting with "$ socklab " are commands, run
//     from the repository root; the lines after each are its output, and
//     it must exit with 0.
//
// Other blocks are not run. An expected line "…" stands for any number of
// lines (a traceback, say). Both sides are normalised as the goldens are,
// and a host name in "Host Name = …" or "host name …" may be any name.
// When the test can make a private network namespace (root) the examples
// run in one, so that nothing but their own sockets can show.
type example struct {
	line     int      // where the block starts in the file
	kind     string   // "lua" or "console"
	input    []string // REPL lines, or the one command
	expected []string
}

func TestTutorial(t *testing.T) {
	examples := readExamples(t, tutorialPath)
	if len(examples) < 10 {
		t.Fatalf("%s: only %d runnable examples", tutorialPath, len(examples))
	}
	for _, ex := range examples {
		t.Run(ex.name(), func(t *testing.T) {
			t.Parallel()
			var cmd *exec.Cmd
			if ex.kind == "lua" {
				cmd = tutorialCommand(t, socklabBin, "-i")
				cmd.Stdin = strings.NewReader(strings.Join(ex.input, "\n") + "\n")
			} else {
				args := strings.Fields(ex.input[0])[1:]
				cmd = tutorialCommand(t, socklabBin, args...)
			}
			cmd.Dir = ".."
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out // one pipe: the order is kept
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s:%d: %v\n%s", tutorialPath, ex.line, err, out.String())
			}
			script := ""
			if ex.kind == "console" {
				if f := strings.Fields(ex.input[0]); len(f) > 1 {
					script = strings.TrimSuffix(filepath.Base(f[1]), ".lua")
				}
			}
			got := strings.Split(strings.TrimRight(docNormalise(script, out.String()), "\n"), "\n")
			want := strings.Split(strings.TrimRight(docNormalise(script, strings.Join(ex.expected, "\n")), "\n"), "\n")
			if !matchLines(got, want) {
				t.Errorf("%s:%d: the example's output differs\n--- got\n%s\n--- the tutorial shows\n%s",
					tutorialPath, ex.line, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func (ex example) name() string {
	return ex.kind + "_line_" + strconv.Itoa(ex.line)
}

func tutorialCommand(t *testing.T, prog string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("unshare"); err == nil {
			return netnsCommand(t, prog, args...)
		}
	}
	return exec.Command(prog, args...)
}

// readExamples parses the runnable blocks of the tutorial.
func readExamples(t *testing.T, path string) []example {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var examples []example
	var block []string
	kind, start := "", 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case kind == "" && strings.HasPrefix(line, "```"):
			kind, start, block = strings.TrimPrefix(line, "```"), n, nil
			if kind == "" {
				kind = "text"
			}
		case kind != "" && line == "```":
			examples = append(examples, parseBlock(kind, start, block)...)
			kind = ""
		case kind != "":
			block = append(block, line)
		}
	}
	if kind != "" {
		t.Fatalf("%s:%d: unterminated code block", path, start)
	}
	return examples
}

const (
	prompt     = "socklab> "
	contPrompt = "   ...> "
)

func parseBlock(kind string, start int, block []string) []example {
	switch {
	case kind == "lua" && len(block) > 0 && strings.HasPrefix(block[0], prompt):
		ex := example{line: start, kind: kind}
		for _, l := range block {
			if in, ok := strings.CutPrefix(l, prompt); ok {
				ex.input = append(ex.input, in)
			} else if in, ok := strings.CutPrefix(l, contPrompt); ok {
				ex.input = append(ex.input, in)
			} else {
				ex.expected = append(ex.expected, l)
			}
		}
		return []example{ex}
	case kind == "console":
		var out []example
		for i, l := range block {
			if cmd, ok := strings.CutPrefix(l, "$ "); ok && strings.HasPrefix(cmd, "socklab ") {
				out = append(out, example{line: start + 1 + i, kind: kind, input: []string{cmd}})
			} else if len(out) > 0 {
				out[len(out)-1].expected = append(out[len(out)-1].expected, l)
			}
		}
		return out
	}
	return nil
}

// matchLines compares output with the tutorial's lines, where "…" matches
// any number of lines.
func matchLines(got, want []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "…" {
		for i := 0; i <= len(got); i++ {
			if matchLines(got[i:], want[1:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && got[0] == want[0] && matchLines(got[1:], want[1:])
}

var anyHostName = regexp.MustCompile(`\b(Host Name = |host name )[^\s,;|]+`)

func docNormalise(script, s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return anyHostName.ReplaceAllString(normalise(script, s), "${1}HOSTNAME")
}
