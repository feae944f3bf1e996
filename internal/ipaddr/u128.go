package ipaddr

import (
	"math/big"
	"math/bits"
)

// u128 is an address as a 128-bit integer, the arithmetic Python does on
// int(addr): masks, +n, ranges. An IPv4 address uses the low 32 bits.
type u128 struct{ hi, lo uint64 }

func (a u128) add(b u128) (u128, bool) {
	lo, carry := bits.Add64(a.lo, b.lo, 0)
	hi, carry := bits.Add64(a.hi, b.hi, carry)
	return u128{hi, lo}, carry != 0
}

func (a u128) sub(b u128) (u128, bool) {
	lo, borrow := bits.Sub64(a.lo, b.lo, 0)
	hi, borrow := bits.Sub64(a.hi, b.hi, borrow)
	return u128{hi, lo}, borrow != 0
}

func (a u128) and(b u128) u128 { return u128{a.hi & b.hi, a.lo & b.lo} }
func (a u128) or(b u128) u128  { return u128{a.hi | b.hi, a.lo | b.lo} }
func (a u128) xor(b u128) u128 { return u128{a.hi ^ b.hi, a.lo ^ b.lo} }
func (a u128) isZero() bool    { return a.hi == 0 && a.lo == 0 }

func (a u128) cmp(b u128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a u128) shl(n uint) u128 {
	switch {
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{a.lo << (n - 64), 0}
	case n == 0:
		return a
	}
	return u128{a.hi<<n | a.lo>>(64-n), a.lo << n}
}

func (a u128) shr(n uint) u128 {
	switch {
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{0, a.hi >> (n - 64)}
	case n == 0:
		return a
	}
	return u128{a.hi >> n, a.lo>>n | a.hi<<(64-n)}
}

// bitLen is the number of bits needed for a (Python's int.bit_length).
func (a u128) bitLen() int {
	if a.hi != 0 {
		return 64 + bits.Len64(a.hi)
	}
	return bits.Len64(a.lo)
}

// trailingZeros of a, capped at width.
func (a u128) trailingZeros(width int) int {
	var n int
	if a.lo != 0 {
		n = bits.TrailingZeros64(a.lo)
	} else if a.hi != 0 {
		n = 64 + bits.TrailingZeros64(a.hi)
	} else {
		n = 128
	}
	return min(n, width)
}

// ones returns 2^n - 1.
func ones(n int) u128 {
	if n <= 0 {
		return u128{}
	}
	return u128{0, 1}.shl(uint(n - 1)).shl(1).sub1()
}

func (a u128) sub1() u128 { r, _ := a.sub(u128{0, 1}); return r }

// pow2 returns 2^n for n < 128.
func pow2(n int) u128 { return u128{0, 1}.shl(uint(n)) }

func (a u128) big() *big.Int {
	b := new(big.Int).SetUint64(a.hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(a.lo))
}

func (a u128) float() float64 {
	return float64(a.hi)*18446744073709551616.0 + float64(a.lo)
}

// fromBig converts b to a u128, reporting whether it fits.
func fromBig(b *big.Int) (u128, bool) {
	if b.Sign() < 0 || b.BitLen() > 128 {
		return u128{}, false
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64)
	return u128{hi.Uint64(), lo.Uint64()}, true
}
