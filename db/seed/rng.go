package seed

import (
	"math/bits"
	"math/rand/v2"
)

// stream names an independent family of random draws. Keying every draw by (seed, stream,
// index) means that changing how one entity is generated never shifts the values of another,
// and that an order can be generated again, identically, in the second pass.
type stream uint64

const (
	streamCatalog stream = iota + 1
	streamReference
	streamPlaces
	streamCustomer
	streamOrderPlan
	streamOrderRender
	streamStock
)

// rng is a reseedable PCG generator. Reseeding instead of allocating keeps the per-order cost
// at a few nanoseconds.
type rng struct {
	pcg *rand.PCG
	*rand.Rand
}

func newRNG() *rng {
	pcg := rand.NewPCG(0, 0)
	return &rng{pcg: pcg, Rand: rand.New(pcg)}
}

// reset positions the generator at the stream of entity idx.
func (r *rng) reset(seed int64, s stream, idx uint64) *rng {
	r.pcg.Seed(splitmix(uint64(seed)^splitmix(uint64(s))), splitmix(idx^(uint64(s)<<48)))
	return r
}

// splitmix scrambles nearby inputs (seeds 1, 2, 3…) into unrelated PCG states.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// between returns a uniform integer in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// between64 returns a uniform integer in [lo, hi].
func (r *rng) between64(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int64N(hi-lo+1)
}

// chance is true with probability permille/1000; integers keep runs identical across platforms.
func (r *rng) chance(permille int) bool { return r.IntN(1000) < permille }

// weighted returns index i with probability weights[i] / Σ weights.
func (r *rng) weighted(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func pick[T any](r *rng, xs []T) T { return xs[r.IntN(len(xs))] }

// digits fills a pattern: '#' becomes a digit, '%' a digit 2–9, '@' a capital letter that
// postcodes allow; everything else is kept.
func (r *rng) digits(pattern string) string {
	const letters = "ABDEFGHJLNPQRSTUWXYZ"
	b := []byte(pattern)
	for i, c := range b {
		switch c {
		case '#':
			b[i] = byte('0' + r.IntN(10))
		case '%':
			b[i] = byte('2' + r.IntN(8))
		case '@':
			b[i] = letters[r.IntN(len(letters))]
		}
	}
	return string(b)
}

// permute maps n < mod (a power of ten up to 10^18) to a unique, random-looking number below
// mod, so external ids and tracking numbers built from row indexes never collide. Affine maps
// with multipliers coprime to 10 and digit reversal are each bijections; alternating them
// keeps neighbouring indexes from giving neighbouring numbers.
func permute(n, mod uint64) uint64 {
	k := 0
	for m := mod; m > 1; m /= 10 {
		k++
	}
	x := affine(n%mod, 7_777_777_777_777_771, 1_234_567, mod)
	x = affine(reverseDigits(x, k), 3_141_592_653_589_793, 2_718_281, mod)
	return affine(reverseDigits(x, k), 1_618_033_988_749_891, 4_669_201, mod)
}

func affine(x, mult, add, mod uint64) uint64 {
	hi, lo := bits.Mul64(x, mult%mod)
	return (bits.Rem64(hi, lo, mod) + add%mod) % mod
}

// reverseDigits reverses the k-digit, zero-padded decimal form of x.
func reverseDigits(x uint64, k int) uint64 {
	var r uint64
	for range k {
		r = r*10 + x%10
		x /= 10
	}
	return r
}
