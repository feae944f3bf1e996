package socktest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestEchoServer(t *testing.T) {
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(EchoServer(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(Deadline))
	msg := bytes.Repeat([]byte("echo"), 50000)
	go c.Write(msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %v", err)
	}
}

func TestRefusedPort(t *testing.T) {
	port := RefusedPort(t, "tcp")
	if _, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("TCP connect: %v, want connection refused", err)
	}
	if _, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
		t.Error("the TCP port could be taken")
	}

	port = RefusedPort(t, "udp")
	c, err := net.Dial("udp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(Deadline))
	c.Write([]byte("anyone?"))
	if _, err := c.Read(make([]byte, 10)); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("UDP: %v, want connection refused", err)
	}
	if pc, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
		pc.Close()
		t.Error("the UDP port could be taken")
	}
}

func TestServePackets(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ServePackets(t, pc, func(p []byte, from net.Addr) { pc.WriteTo(bytes.ToUpper(p), from) })
	c, err := net.Dial("udp", pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(Deadline))
	c.Write([]byte("hello"))
	b := make([]byte, 10)
	n, err := c.Read(b)
	if err != nil || string(b[:n]) != "HELLO" {
		t.Fatalf("got %q, %v", b[:n], err)
	}
}
