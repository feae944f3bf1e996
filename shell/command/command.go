// Package command is the socklab command as a function: the shell with
// every Lua module registered. cmd/socklab's main only calls Main, and so
// do tests that run their own test binary as socklab (see commandtest), so
// both run the same code path.
package command

import (
	"os"

	"socklab/internal/gcpace"
	"socklab/shell"

	_ "socklab/luabind/modules" // register every Lua module
)

// Main runs socklab with the process's arguments and standard streams and
// returns its exit code.
func Main() int {
	gcpace.Start() // 10,000 tasks in 200 MB: see the package comment
	return shell.Main(os.Args, os.Stdin, os.Stdout, os.Stderr)
}
