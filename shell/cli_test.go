package shell

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		argv []string
		want options
	}{
		{[]string{"socklab"}, options{prog: "socklab", before: []string{}}},
		{[]string{"sl", "f.lua", "-e", "x"}, options{prog: "sl", script: "f.lua", scriptArgs: []string{"-e", "x"}, before: []string{}}},
		{[]string{"sl", "-e", "a=1", "-eb=2", "-i", "f.lua", "1"},
			options{prog: "sl", exprs: []string{"a=1", "b=2"}, interactive: true, script: "f.lua", scriptArgs: []string{"1"}, before: []string{"-e", "a=1", "-eb=2", "-i"}}},
		{[]string{"sl", "-", "a"}, options{prog: "sl", script: "-", scriptArgs: []string{"a"}, before: []string{}}},
		{[]string{"sl", "--", "-weird.lua"}, options{prog: "sl", script: "-weird.lua", scriptArgs: []string{}, before: []string{"--"}}},
		{[]string{"sl", "--version"}, options{prog: "sl", version: true, before: []string{"--version"}}},
		{[]string{"sl", "-h"}, options{prog: "sl", help: true, before: []string{"-h"}}},
	}
	for _, tt := range tests {
		got, err := parseArgs(tt.argv, io.Discard)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.argv, err)
			continue
		}
		if got.scriptArgs == nil && tt.want.scriptArgs != nil && len(tt.want.scriptArgs) == 0 {
			got.scriptArgs = []string{}
		}
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("parseArgs(%q) = %+v, want %+v", tt.argv, *got, tt.want)
		}
	}
	for _, bad := range [][]string{{"sl", "-e"}, {"sl", "-x"}, {"sl", "--nope"}} {
		if _, err := parseArgs(bad, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) succeeded, want a usage error", bad)
		}
	}
}

func TestCommandLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("args.lua", "print(arg[0], arg[1], arg[2], #arg, arg[-1] ~= nil)\nprint(...)\n")
	write("shebang.lua", "#!/usr/bin/env socklab\nprint('ok')\nerror('line three')\n")
	write("fail.lua", "local function f()\n  error('boom')\nend\nf()\n")
	write("exit.lua", "print('before')\nos.exit(3)\nprint('after')\n")
	write("syntax.lua", "x = = 1\n")
	write("incomplete.lua", "for i = 1, 2 do\n")
	write("globals.lua", "x = 7\n")

	tests := []struct {
		name       string
		stdin      string
		args       []string
		wantOut    string // exact stdout
		wantErr    string // substring of stderr ("" means stderr must be empty)
		wantCode   int
		wantErrTop string // stderr prefix
	}{
		{name: "script args", args: []string{"args.lua", "a", "b"}, wantOut: "args.lua\ta\tb\t2\ttrue\na\tb\n"},
		{name: "no args", args: []string{"args.lua"}, wantOut: "args.lua\tnil\tnil\t0\ttrue\n\n"},
		{name: "-e repeated in order", args: []string{"-e", "x = 1", "-e", "x = x + 1", "-e", "print(x)"}, wantOut: "2\n"},
		{name: "-e then script", args: []string{"-e", "y = 5", "args.lua", "q"}, wantOut: "args.lua\tq\tnil\t1\ttrue\nq\n"},
		{name: "stdin dash", stdin: "print('in', ...)", args: []string{"-", "z"}, wantOut: "in\tz\n"},
		{name: "piped stdin", stdin: "#!shebang\nprint(1 + 1)\n", wantOut: "2\n"},
		{name: "shebang keeps line numbers", args: []string{"shebang.lua"}, wantOut: "ok\n",
			wantErrTop: "socklab: shebang.lua:3: line three\nstack traceback:", wantCode: 1},
		{name: "error with traceback", args: []string{"fail.lua"},
			wantErrTop: "socklab: fail.lua:2: boom\nstack traceback:", wantErr: "fail.lua:4: in main chunk", wantCode: 1},
		{name: "os.exit", args: []string{"exit.lua"}, wantOut: "before\n", wantCode: 3},
		{name: "os.exit from -e", args: []string{"-e", "os.exit(true)"}},
		{name: "os.exit(false)", args: []string{"-e", "os.exit(false)"}, wantCode: 1},
		{name: "syntax error", args: []string{"syntax.lua"}, wantErrTop: "socklab: syntax.lua:1: ", wantCode: 1},
		{name: "incomplete script", args: []string{"incomplete.lua"}, wantErrTop: "socklab: incomplete.lua:1: unexpected end of input", wantCode: 1},
		{name: "error from -e", args: []string{"-e", "error('x')"}, wantErrTop: "socklab: (command line):1: x", wantCode: 1},
		{name: "missing file", args: []string{"nope.lua"}, wantErrTop: "socklab: cannot open nope.lua", wantCode: 2},
		{name: "bad option", args: []string{"-q"}, wantErrTop: "socklab: unrecognized option '-q'", wantCode: 2},
		{name: "-e without code", args: []string{"-e"}, wantErrTop: "socklab: '-e' needs an argument", wantCode: 2},
		{name: "version", args: []string{"--version"}, wantOut: "socklab "},
		{name: "help", args: []string{"--help"}, wantOut: "usage: "},
		{name: "-i with piped input", stdin: "x * 2\nprint('hi')\n", args: []string{"-i", "globals.lua"}, wantOut: "14\nhi\n"},
		{name: "background task joined", args: []string{"-e", "local h = spawn(function() sleep(0.05) return 'done' end) print(h:join())"}, wantOut: "done\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // a process of its own
			out, errOut, code := run(t, dir, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if tt.name == "version" || tt.name == "help" {
				if !strings.HasPrefix(out, tt.wantOut) {
					t.Errorf("stdout %q, want prefix %q", out, tt.wantOut)
				}
			} else if out != tt.wantOut {
				t.Errorf("stdout %q, want %q", out, tt.wantOut)
			}
			if tt.wantErr == "" && tt.wantErrTop == "" && errOut != "" {
				t.Errorf("unexpected stderr %q", errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) || !strings.HasPrefix(errOut, tt.wantErrTop) {
				t.Errorf("stderr %q, want prefix %q containing %q", errOut, tt.wantErrTop, tt.wantErr)
			}
		})
	}
}

// TestScriptInterrupt sends SIGINT to a running script: it stops at once
// with exit code 130, long before the sleep would end.
func TestScriptInterrupt(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(socklab(t), "-e", "print('start') io.stdout:flush() sleep(60)")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(stdout, buf); err != nil || string(buf) != "start\n" {
		t.Fatalf("read %q, %v", buf, err)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupt {
		t.Errorf("exit code %d (%v), want %d", code, err, ExitInterrupt)
	}
	// The script would sleep 60 s: stopping well before that is the point;
	// how fast it stops is for a benchmark on an idle machine.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v to stop", d)
	}
}
