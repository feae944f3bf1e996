package ipaddr

import (
	"encoding/hex"
	"math/big"
	"strings"
)

// The Go side of testdata/oracle.py: the same fields, computed by the
// engine, under the same names.

type request struct {
	Kind   string   `json:"kind"`
	Text   string   `json:"text"`
	Strict *bool    `json:"strict,omitempty"`
	Items  []string `json:"items,omitempty"`
}

func errMap(err error) map[string]any {
	e := err.(*Error)
	return map[string]any{"error": string(e.Kind), "msg": e.Msg}
}

func strOrErr(a Addr, err error) any {
	if err != nil {
		return errMap(err)
	}
	return a.String()
}

func addrFields(a Addr) map[string]any {
	d := map[string]any{
		"str": a.String(), "repr": a.Repr(), "version": a.Version(),
		"max_prefixlen": a.MaxPrefixlen(), "compressed": a.Compressed(),
		"packed": hex.EncodeToString([]byte(a.Packed())), "int": a.Int().String(),
		"is_private": a.IsPrivate(), "is_global": a.IsGlobal(),
		"is_loopback": a.IsLoopback(), "is_link_local": a.IsLinkLocal(),
		"is_multicast": a.IsMulticast(), "is_reserved": a.IsReserved(),
		"is_unspecified": a.IsUnspecified(),
		"plus1":          strOrErr(a.Add(big.NewInt(1))), "minus1": strOrErr(a.Add(big.NewInt(-1))),
	}
	if a.Version() == 6 {
		d["is_site_local"] = a.IsSiteLocal()
		d["ipv4_mapped"] = nil
		if m, ok := a.IPv4Mapped(); ok {
			d["ipv4_mapped"] = m.String()
		}
		d["sixtofour"] = nil
		if m, ok := a.SixToFour(); ok {
			d["sixtofour"] = m.String()
		}
		d["teredo"] = nil
		if s, c, ok := a.Teredo(); ok {
			d["teredo"] = []string{s.String(), c.String()}
		}
		d["scope_id"] = nil
		if z := a.ScopeID(); z != "" {
			d["scope_id"] = z
		}
	}
	if a.Version() == 4 || a.ScopeID() == "" {
		d["exploded"] = a.Exploded()
		d["reverse_pointer"] = a.ReversePointer()
	}
	return d
}

func take(it *Iter, n int) []string {
	out := []string{}
	for len(out) < n {
		if it.Yields() == "address" {
			a, ok := it.NextAddr()
			if !ok {
				break
			}
			out = append(out, a.String())
		} else {
			s, ok := it.NextNetwork()
			if !ok {
				break
			}
			out = append(out, s.String())
		}
	}
	return out
}

func netFields(n Network) map[string]any {
	at := func(i int64) string { a, _ := n.At(big.NewInt(i)); return a.String() }
	subnets := func(diff, count int) any {
		it, err := n.Subnets(diff, -1, true)
		if err != nil {
			return errMap(err)
		}
		return take(it, count)
	}
	supernet := func(diff int) any {
		s, err := n.Supernet(diff, -1, true)
		if err != nil {
			return errMap(err)
		}
		return s.String()
	}
	d := map[string]any{
		"str": n.String(), "repr": n.Repr(), "version": n.Version(),
		"network_address":   n.NetworkAddress().String(),
		"broadcast_address": n.BroadcastAddress().String(),
		"netmask":           n.Netmask().String(), "hostmask": n.Hostmask().String(),
		"prefixlen": n.Prefixlen(), "with_prefixlen": n.WithPrefixlen(),
		"with_netmask": n.WithNetmask(), "with_hostmask": n.WithHostmask(),
		"num_addresses": n.NumAddresses().String(),
		"is_private":    n.IsPrivate(), "is_global": n.IsGlobal(),
		"is_loopback": n.IsLoopback(), "is_link_local": n.IsLinkLocal(),
		"is_multicast": n.IsMulticast(), "is_reserved": n.IsReserved(),
		"is_unspecified": n.IsUnspecified(),
		"hosts":          take(n.Hosts(), 3), "subnets": subnets(1, 3), "subnets2": subnets(2, 5),
		"supernet": supernet(1), "supernet3": supernet(3),
		"first": at(0), "last": at(-1),
	}
	if n.Version() == 6 {
		d["is_site_local"] = n.IsSiteLocal()
	}
	if n.Version() == 4 || n.NetworkAddress().ScopeID() == "" {
		d["exploded"] = n.Exploded()
		d["reverse_pointer"] = n.ReversePointer()
	}
	if n.NumAddresses().Cmp(big.NewInt(64)) <= 0 {
		d["all_hosts"] = take(n.Hosts(), 100)
	}
	return d
}

func ifaceFields(i Interface) map[string]any {
	d := addrFields(i.IP())
	delete(d, "plus1")
	delete(d, "minus1")
	d["str"], d["repr"], d["compressed"] = i.String(), i.Repr(), i.String()
	d["is_loopback"], d["is_unspecified"] = i.IsLoopback(), i.IsUnspecified()
	if _, ok := d["exploded"]; ok {
		d["exploded"] = i.Exploded()
		d["reverse_pointer"] = i.ReversePointer()
	}
	n := i.Network()
	ip := i.IP()
	ip = fromU128(ip.Version(), ip.u128(), "")
	d["ip"], d["network"] = ip.String(), n.String()
	d["with_prefixlen"], d["with_netmask"], d["with_hostmask"] = i.WithPrefixlen(), i.WithNetmask(), i.WithHostmask()
	d["netmask"], d["hostmask"] = n.Netmask().String(), n.Hostmask().String()
	return d
}

func parseItem(t string) (Item, error) {
	if strings.Contains(t, "/") {
		n, err := ParseNetwork(t, true)
		return Item{Network: n, IsNet: true}, err
	}
	a, err := ParseAddr(t)
	return Item{Addr: a}, err
}

func netList(ns []Network, err error) any {
	if err != nil {
		return errMap(err)
	}
	out := []string{}
	for _, n := range ns {
		out = append(out, n.String())
	}
	return out
}

// describe answers one request as the oracle would.
func describe(r request) any {
	strict := r.Strict == nil || *r.Strict
	var err error
	switch r.Kind {
	case "ip_address", "IPv4Address", "IPv6Address", "int":
		var a Addr
		switch r.Kind {
		case "ip_address":
			a, err = ParseAddr(r.Text)
		case "IPv4Address":
			a, err = ParseV4(r.Text)
		case "IPv6Address":
			a, err = ParseV6(r.Text)
		default:
			n, _ := new(big.Int).SetString(r.Text, 10)
			a, err = AddrFromInt(n)
		}
		if err != nil {
			return errMap(err)
		}
		return addrFields(a)
	case "ip_network", "IPv4Network", "IPv6Network":
		var n Network
		switch r.Kind {
		case "ip_network":
			n, err = ParseNetwork(r.Text, strict)
		case "IPv4Network":
			n, err = ParseNetworkV4(r.Text, strict)
		default:
			n, err = ParseNetworkV6(r.Text, strict)
		}
		if err != nil {
			return errMap(err)
		}
		return netFields(n)
	case "ip_interface":
		i, err := ParseInterface(r.Text)
		if err != nil {
			return errMap(err)
		}
		return ifaceFields(i)
	case "collapse":
		var items []Item
		for _, t := range r.Items {
			it, err := parseItem(t)
			if err != nil {
				return errMap(err)
			}
			items = append(items, it)
		}
		return netList(CollapseAddresses(items))
	case "summarize":
		a, err := ParseAddr(r.Items[0])
		if err != nil {
			return errMap(err)
		}
		b, err := ParseAddr(r.Items[1])
		if err != nil {
			return errMap(err)
		}
		return netList(SummarizeRange(a, b))
	case "exclude":
		a, err := ParseNetwork(r.Items[0], true)
		if err != nil {
			return errMap(err)
		}
		b, err := ParseNetwork(r.Items[1], true)
		if err != nil {
			return errMap(err)
		}
		return netList(a.AddressExclude(b))
	case "relations":
		a, err := ParseNetwork(r.Items[0], false)
		if err != nil {
			return errMap(err)
		}
		b, err := ParseNetwork(r.Items[1], false)
		if err != nil {
			return errMap(err)
		}
		bare, _ := ParseAddr(strings.Split(r.Items[1], "/")[0])
		boolOrErr := func(v bool, err error) any {
			if err != nil {
				return errMap(err)
			}
			return v
		}
		c, cerr := a.Compare(b)
		return map[string]any{
			"overlaps": a.Overlaps(b), "subnet_of": boolOrErr(a.SubnetOf(b)),
			"supernet_of": boolOrErr(a.SupernetOf(b)), "lt": boolOrErr(c < 0, cerr),
			"eq": a.Equal(b), "contains": a.Contains(bare),
		}
	}
	panic("unknown kind " + r.Kind)
}
