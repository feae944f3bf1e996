package scan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"socklab/internal/escape"
)

// readBanner reads up to BannerBytes from fd within timeout. Once data has
// come, it waits only briefly (bannerLinger) for more.
func (p *prober) readBanner(ctx context.Context, fd int, timeout time.Duration) string {
	if cap(p.buf) < p.opts.BannerBytes {
		p.buf = make([]byte, p.opts.BannerBytes)
	}
	return readBanner(ctx, p.ops, fd, p.buf[:p.opts.BannerBytes], timeout)
}

// readBanner reads into buf from the blocking socket fd within timeout
// (see prober.readBanner).
func readBanner(ctx context.Context, ops *sysOps, fd int, buf []byte, timeout time.Duration) string {
	const bannerLinger = 20 * time.Millisecond
	got := 0
	deadline := time.Now().Add(timeout)
	wait := min(timeout, slice)
	ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
	for got < len(buf) {
		n, err := ops.read(fd, buf[got:])
		if n > 0 {
			got += n
			if d := time.Until(deadline); d > bannerLinger {
				deadline = time.Now().Add(bannerLinger)
			}
			continue
		}
		if n == 0 && err == nil {
			break // EOF
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			break
		}
		if ctx.Err() != nil {
			break
		}
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		if left < wait {
			wait = left
			ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
		}
	}
	return printable(buf[:got])
}

// printable trims trailing CR/LF (and other white space) and escapes bytes
// that are not printable UTF-8 as \xNN (\r, \n, \t as themselves escaped).
func printable(b []byte) string {
	b = []byte(strings.TrimRight(string(b), " \t\r\n\x00"))
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		named := escape.Named(r, 0)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02x`, b[0])
		case named != "":
			sb.WriteString(named)
		case unicode.IsPrint(r):
			sb.WriteRune(r)
		default:
			for _, c := range b[:size] {
				fmt.Fprintf(&sb, `\x%02x`, c)
			}
		}
		b = b[size:]
	}
	return sb.String()
}
