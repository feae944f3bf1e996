package netinfo

import "fmt"

// iproute2 prints kernel numbers (flag bits, scopes, routing tables,
// route protocols) by name; these turn a number into its words.

// flagName names one bit of a kernel flags word.
type flagName struct {
	bit  uint32
	name string
}

// appendFlagNames appends to flags the name of each bit of raw that table
// names, in the table's order (iproute2's).
func appendFlagNames(flags []string, raw uint32, table []flagName) []string {
	for _, f := range table {
		if raw&f.bit != 0 {
			flags = append(flags, f.name)
		}
	}
	return flags
}

// nameOr is the name names gives v, or v as a number (as ip prints a
// value it has no name for).
func nameOr(names map[int]string, v int) string {
	if s, ok := names[v]; ok {
		return s
	}
	return fmt.Sprint(v)
}
