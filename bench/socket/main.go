// Command socketbench is the socket module's side-by-side benchmark: a
// loopback server every client shares, the plain-Go clients, and a runner
// for the socklab Lua clients (the runtime with every module, as the
// socklab binary has). run.sh drives it together with Python and Lua 5.4.
//
//	socketbench server              serve echo, sink and accept ports; print them
//	socketbench go MODE PORT N      plain net.Conn client (echo|bulk|connect)
//	socketbench lua FILE ARGS...    run a Lua file under the socklab runtime
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/gcpace"
	_ "socklab/luabind/modules"
	"socklab/luabind/runtime"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: socketbench server | go MODE PORT N | lua FILE ARGS...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "server":
		server()
	case "go":
		port, _ := strconv.Atoi(os.Args[3])
		n, _ := strconv.Atoi(os.Args[4])
		goClient(os.Args[2], port, n)
	case "lua":
		runLua(os.Args[2], os.Args[3:])
	}
}

func listen(handle func(net.Conn)) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func server() {
	echo := listen(func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 64<<10)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
	})
	sink := listen(func(c net.Conn) {
		defer c.Close()
		n, _ := io.Copy(io.Discard, c)
		fmt.Fprintf(c, "%d", n)
	})
	fmt.Printf("%d %d\n", echo, sink)
	select {}
}

func goClient(mode string, port, n int) {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	start := time.Now()
	switch mode {
	case "echo":
		c, err := net.Dial("tcp", addr)
		if err != nil {
			panic(err)
		}
		msg := make([]byte, 32)
		buf := make([]byte, 1024)
		for i := 0; i < n; i++ {
			c.Write(msg)
			got := 0
			for got < 32 {
				k, err := c.Read(buf)
				if err != nil {
					panic(err)
				}
				got += k
			}
		}
		c.Close()
	case "bulk": // n MiB in 64 KiB writes
		c, err := net.Dial("tcp", addr)
		if err != nil {
			panic(err)
		}
		chunk := make([]byte, 64<<10)
		for i := 0; i < n*16; i++ {
			if _, err := c.Write(chunk); err != nil {
				panic(err)
			}
		}
		c.(*net.TCPConn).CloseWrite()
		io.ReadAll(c)
		c.Close()
	case "connect":
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				panic(err)
			}
			c.Close()
		}
	}
	fmt.Printf("%.6f\n", time.Since(start).Seconds())
}

func runLua(file string, args []string) {
	src, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	gcpace.Start() // as cmd/socklab does
	rt := runtime.New()
	proto, err := rt.Compile(string(src), file)
	if err != nil {
		panic(err)
	}
	var largs []lua.LValue
	for _, a := range args {
		largs = append(largs, lua.LString(a))
	}
	if _, err := rt.Exec(context.Background(), proto, file, largs...); err != nil {
		fmt.Fprintln(os.Stderr, runtime.ErrorMessage(err))
		os.Exit(1)
	}
	rt.Close()
}
