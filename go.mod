module socklab

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1
	github.com/creack/pty v1.1.24
	github.com/miekg/dns v1.1.73
	github.com/yuin/gopher-lua v1.1.2
	golang.org/x/sys v0.49.0
)

require golang.org/x/net v0.57.0 // indirect
