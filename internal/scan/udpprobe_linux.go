package scan

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// udpPayload returns the datagram sent to a UDP port: a real request for a
// few well-known services that stay silent on an empty datagram, else empty.
func udpPayload(port int) []byte {
	switch port {
	case 53: // DNS: status query for version.bind TXT CH (as nmap-payloads)
		return []byte("\x00\x06\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03")
	case 123: // NTP v3 client request
		b := make([]byte, 48)
		b[0] = 0xe3
		return b
	}
	return nil
}

// probeUDP sends one datagram on a connected UDP socket and waits
// Options.Timeout for a reply or an ICMP error. On silence (outSilent) the
// socket stays open in p.udp, so a retry (again = true) sends on it and a
// late reply to an earlier datagram still counts; closeUDP ends it.
func (p *prober) probeUDP(ctx context.Context, ip netip.Addr, port int, again bool, timeout time.Duration) (outcome, string, time.Duration, error) {
	ops := p.ops
	start := time.Now()
	if !again || p.udp < 0 {
		p.closeUDP()
		sa, fam, err := p.sockaddr(ip, port)
		if err != nil {
			return 0, "", 0, err
		}
		fd, err := ops.socket(fam, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return p.fail(err), "", 0, nil
		}
		for {
			err = ops.connect(fd, sa)
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
		if err != nil {
			ops.close(fd)
			return p.fail(err), "", 0, nil
		}
		if isSelfConnect(ops, fd, sa) {
			ops.close(fd)
			return outSelf, "", 0, nil
		}
		p.udp = fd
	}
	fd := p.udp
	o, banner := p.udpExchange(ctx, fd, port, timeout)
	if o != outSilent {
		p.closeUDP()
	}
	return o, banner, time.Since(start), nil
}

// udpExchange sends the port's payload on fd and waits for the answer.
func (p *prober) udpExchange(ctx context.Context, fd, port int, timeout time.Duration) (outcome, string) {
	ops := p.ops
	if cap(p.buf) < 1500 {
		p.buf = make([]byte, max(1500, p.opts.BannerBytes))
	}
	if _, err := ops.write(fd, udpPayload(port)); err != nil && !errors.Is(err, unix.EINTR) {
		return p.fail(err), ""
	}
	deadline := time.Now().Add(timeout)
	wait := min(timeout, slice)
	ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
	for {
		n, err := ops.read(fd, p.buf[:cap(p.buf)])
		if err == nil {
			banner := ""
			if p.opts.Banner {
				banner = printable(p.buf[:min(n, p.opts.BannerBytes)])
			}
			return outOpen, banner
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			return p.fail(err), ""
		}
		if ctx.Err() != nil {
			return outCanceled, ""
		}
		left := time.Until(deadline)
		if left <= 0 {
			return outSilent, ""
		}
		if left < wait {
			wait = left
			ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
		}
	}
}

// closeUDP closes the UDP socket kept between tries, if any.
func (p *prober) closeUDP() {
	if p.udp >= 0 {
		p.ops.close(p.udp)
		p.udp = -1
	}
}
