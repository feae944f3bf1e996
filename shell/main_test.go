package shell

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// raceEnabled is set when the tests run with -race: the socklab binary under
// test is then built with -race too.
var raceEnabled bool

// raceEnv stops a -race binary from sleeping a second at exit.
const raceEnv = "GORACE=atexit_sleep_ms=0"

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// socklab returns the path of the socklab binary the CLI and REPL tests run,
// built once per test process (with -race when the tests use it).
func socklab(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "socklab-test-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "socklab")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "socklab/cmd/socklab")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building socklab: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// run runs the socklab binary with args and stdin (in dir, if not ""), and
// returns its stdout, stderr and exit code.
func run(t *testing.T, dir, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(socklab(t), args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", raceEnv, "XDG_STATE_HOME="+t.TempDir())
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}
