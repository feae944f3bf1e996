package shell_test

import (
	"testing"

	"socklab/shell/command"
	"socklab/shell/command/commandtest"
)

// TestMain runs socklab itself when the tests start this binary as socklab
// (commandtest), and the tests otherwise.
func TestMain(m *testing.M) { commandtest.Main(m, command.Main) }
