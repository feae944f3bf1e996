package ipaddr

// A network has an address property when both its first and last address
// have it, as in Python; is_private and is_global look at the registry
// ranges the same way.

func (n Network) both(f func(Addr) bool) bool { return f(n.addr) && f(n.BroadcastAddress()) }

// IsMulticast of a network.
func (n Network) IsMulticast() bool { return n.both(Addr.IsMulticast) }

// IsReserved of a network.
func (n Network) IsReserved() bool { return n.both(Addr.IsReserved) }

// IsLinkLocal of a network.
func (n Network) IsLinkLocal() bool { return n.both(Addr.IsLinkLocal) }

// IsSiteLocal of a network (IPv6 only).
func (n Network) IsSiteLocal() bool { return n.both(Addr.IsSiteLocal) }

// IsUnspecified of a network.
func (n Network) IsUnspecified() bool { return n.both(Addr.IsUnspecified) }

// IsLoopback of a network.
func (n Network) IsLoopback() bool { return n.both(Addr.IsLoopback) }

// IsPrivate of a network: both ends inside one private range, and neither
// end inside an exception.
func (n Network) IsPrivate() bool {
	privates, exceptions := private4, privateExceptions4
	if n.Version() == 6 {
		privates, exceptions = private6, privateExceptions6
	}
	last := n.BroadcastAddress()
	in := false
	for _, p := range privates {
		if p.net.Contains(n.addr) && p.net.Contains(last) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, e := range exceptions {
		if e.net.Contains(n.addr) || e.net.Contains(last) {
			return false
		}
	}
	return true
}

// IsGlobal of a network: not private, and for IPv4 not inside the shared
// address space.
func (n Network) IsGlobal() bool {
	if n.Version() == 4 && shared4[0].net.Contains(n.addr) && shared4[0].net.Contains(n.BroadcastAddress()) {
		return false
	}
	return !n.IsPrivate()
}
