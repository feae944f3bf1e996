// Command socklab is a Lua REPL and script runner for network labs: Lua 5.1
// with Python-style socket, scanning and address modules.
//
// Usage is that of the lua binary (see socklab --help); everything but the
// call below lives in package shell.
package main

import (
	"os"

	"socklab/internal/gcpace"
	"socklab/shell"

	_ "socklab/luabind/modules" // register every Lua module
)

func main() {
	gcpace.Start() // 10,000 tasks in 200 MB: see the package comment
	os.Exit(shell.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
