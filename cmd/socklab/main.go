// Command socklab is a Lua REPL and script runner for network labs: Lua 5.1
// with Python-style socket, scanning and address modules.
//
// Usage is that of the lua binary (see socklab --help); everything but the
// call below lives in package shell (package command adds the modules).
package main

import (
	"os"

	"socklab/shell/command"
)

func main() { os.Exit(command.Main()) }
