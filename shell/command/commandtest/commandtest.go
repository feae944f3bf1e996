// Package commandtest lets a package's tests run the socklab command
// without building it. The package's TestMain calls Main, and its tests run
// Path(): a link to the test binary itself, named socklab. Started under
// that name, the test binary runs the command (command.Main, what
// cmd/socklab's main runs) instead of the tests, as busybox and testscript
// do. So no `go build` runs inside the tests (a race link costs seconds per
// package), and the command under test carries the same instrumentation as
// the tests (-race under -race).
package commandtest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"socklab/internal/nstest"
)

// Name is the link's file name; a process started under it is socklab.
const Name = "socklab"

var path string

// Main runs the command when this process was started as Name (see the
// package comment) and the tests otherwise. command is command.Main, given
// by the caller so that the shell's own tests can use this package too.
//
// Processes the tests start get GORACE's atexit_sleep_ms=0: a -race binary
// otherwise sleeps a second as it exits, and the tests start hundreds.
// Races in those processes are still reported and fail them (exit 66).
// This process's own race detector read GORACE when it started and keeps it.
func Main(m *testing.M, command func() int) {
	if filepath.Base(os.Args[0]) == Name {
		os.Exit(command())
	}
	dir, err := link()
	if err != nil {
		fmt.Fprintln(os.Stderr, "commandtest:", err)
		os.Exit(1)
	}
	os.Setenv("GORACE", nstest.QuickRaceOptions(os.Getenv("GORACE")))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Path is the socklab command the tests run (valid once Main has started
// the tests).
func Path() string {
	if path == "" {
		panic("commandtest.Path: the package's TestMain must call commandtest.Main")
	}
	return path
}

// link makes a directory anyone may enter (tests run socklab as another
// user too) holding Name, a hard link to this test binary (or a copy, when
// the binary is not executable by all or cannot be linked), and returns the
// directory.
func link() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "socklab-test-")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	p := filepath.Join(dir, Name)
	if fi, err := os.Stat(self); err != nil || fi.Mode().Perm()&0o055 != 0o055 || os.Link(self, p) != nil {
		if err := copyExecutable(self, p); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	path = p
	return dir, nil
}

func copyExecutable(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
