package netinfo

import (
	"fmt"
	"net/netip"
	"strings"
)

// netstatStates are netstat's words for ss's state names.
var netstatStates = map[string]string{
	"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
	"FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
	"UNCONN": "CLOSE", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
	"LISTEN": "LISTEN", "CLOSING": "CLOSING",
}

// Proto is netstat's Proto column: tcp, tcp6, udp, udp6, unix.
func (c Conn) Proto() string {
	switch {
	case c.Family == "unix":
		return "unix"
	case c.Family == "inet6":
		return c.Netid + "6"
	}
	return c.Netid
}

// NetstatState is netstat's word for the state: "" for an unconnected UDP
// socket, as netstat leaves the column empty.
func (c Conn) NetstatState() string {
	if c.Netid == "udp" && c.State == "UNCONN" {
		return ""
	}
	if c.Family == "unix" {
		switch c.State {
		case "ESTAB":
			return "CONNECTED"
		case "LISTEN":
			return "LISTENING"
		case "UNCONN":
			return ""
		}
	}
	return netstatStates[c.State]
}

// Owner is netstat's PID/Program name column: "1234/python3", or "-".
func (c Conn) Owner() string {
	if c.PID == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%s", c.PID, c.Program)
}

// netstatAddr prints an endpoint as netstat -n does: 0.0.0.0:*, :::22.
func netstatAddr(ap netip.AddrPort) string {
	port := fmt.Sprint(ap.Port())
	if ap.Port() == 0 {
		port = "*"
	}
	a := ap.Addr()
	if a.Is6() {
		return a.String() + ":" + port
	}
	return a.String() + ":" + port
}

// String prints the socket as one line of `netstat -nap`.
func (c Conn) String() string {
	if c.Family == "unix" {
		return fmt.Sprintf("%-5s %-10s %-13s %-8d %-20s %s", c.Proto(), unixType(c.Netid), c.NetstatState(), c.Inode, c.Owner(), c.Path)
	}
	return fmt.Sprintf("%-5s %6d %6d %-23s %-23s %-11s %s", c.Proto(), c.RecvQ, c.SendQ,
		netstatAddr(c.Local), netstatAddr(c.Remote), c.NetstatState(), c.Owner())
}

func unixType(netid string) string {
	switch netid {
	case "u_str":
		return "STREAM"
	case "u_dgr":
		return "DGRAM"
	case "u_seq":
		return "SEQPACKET"
	}
	return netid
}

// FormatConns prints sockets as `netstat -nap` does: Internet sockets, then
// UNIX sockets, each section with its header.
func FormatConns(cs []Conn) string {
	var b strings.Builder
	var inet, unixes []Conn
	for _, c := range cs {
		if c.Family == "unix" {
			unixes = append(unixes, c)
		} else {
			inet = append(inet, c)
		}
	}
	if len(inet) > 0 || len(unixes) == 0 {
		b.WriteString("Active Internet connections (servers and established)\n")
		b.WriteString("Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n")
		for _, c := range inet {
			b.WriteString(c.String() + "\n")
		}
	}
	if len(unixes) > 0 {
		b.WriteString("Active UNIX domain sockets (servers and established)\n")
		b.WriteString("Proto Type       State         I-Node   PID/Program name     Path\n")
		for _, c := range unixes {
			b.WriteString(c.String() + "\n")
		}
	}
	return b.String()
}
