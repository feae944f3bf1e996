package shell

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes, as the lua and python3 binaries use them.
const (
	ExitOK        = 0   // success
	ExitError     = 1   // the script raised an error
	ExitUsage     = 2   // bad command line, unreadable file
	ExitInterrupt = 130 // SIGINT (128 + 2)
)

const usageText = `usage: %[1]s [options] [script [args...]]

Runs Lua 5.1 with socklab's network modules, like the lua binary.

  %[1]s                 start the REPL (when stdin is a terminal)
  %[1]s FILE.lua a b    run FILE.lua with arg[1]="a", arg[2]="b" (also ...)
  %[1]s -               run the chunk read from stdin (also when stdin is piped)

options:
  -e CODE         run CODE (repeatable; runs in order, before the script)
  -i              enter the REPL after running the script or -e code
  -v, --version   print the version and exit
  -h, --help      print this help and exit
  --              stop handling options

Exit status: 0 success, 1 the script raised an error, 2 usage error or
unreadable file, 130 interrupted, n after os.exit(n).
When a script's main chunk ends, tasks it spawned and did not join are
cancelled and every socket is closed: join the tasks you need.
`

// options is the parsed command line.
type options struct {
	prog        string   // argv[0], arg[-n] in Lua
	exprs       []string // -e chunks, in order
	interactive bool     // -i
	version     bool     // -v, --version
	help        bool     // -h, --help
	script      string   // script path, "-" for stdin, "" for none
	scriptArgs  []string // arguments after the script
	before      []string // the arguments before the script (arg[-n])
}

var errUsage = errors.New("usage")

// parseArgs reads argv (argv[0] is the program) as lua does: options come
// first; the first non-option is the script and everything after it belongs
// to the script.
func parseArgs(argv []string, stderr io.Writer) (*options, error) {
	o := &options{prog: "socklab"}
	if len(argv) > 0 {
		o.prog = argv[0]
		argv = argv[1:]
	}
	bad := func(format string, a ...any) (*options, error) {
		fmt.Fprintf(stderr, "socklab: "+format+"\n", a...)
		fmt.Fprintf(stderr, "usage: %s [options] [script [args...]] (try --help)\n", o.prog)
		return nil, errUsage
	}
	i := 0
	for ; i < len(argv); i++ {
		a := argv[i]
		if a == "-" || !strings.HasPrefix(a, "-") {
			break // the script
		}
		switch {
		case a == "--":
			i++
			goto script
		case a == "-e":
			if i+1 >= len(argv) {
				return bad("'-e' needs an argument")
			}
			i++
			o.exprs = append(o.exprs, argv[i])
		case strings.HasPrefix(a, "-e"): // -ecode, as lua accepts
			o.exprs = append(o.exprs, a[2:])
		case a == "-i":
			o.interactive = true
		case a == "-v" || a == "--version":
			o.version = true
		case a == "-h" || a == "--help":
			o.help = true
		default:
			return bad("unrecognized option '%s'", a)
		}
	}
script:
	o.before = argv[:i]
	if i < len(argv) {
		o.script = argv[i]
		o.scriptArgs = argv[i+1:]
	}
	return o, nil
}
