package register

import "fmt"

// creditCharset is the GB 32100-2015 alphabet: the digits and the capitals
// without I, O, Z, S and V, which are too easily read as 1, 0, 2, 5 and U.
// A character's value is its index here.
const CreditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^(i-1) mod 31 for positions i = 1..17, as the standard tabulates them.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the eight body characters of an
// organisation code (positions 9-16 of a credit code).
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// creditValue returns the value of c in creditCharset, or -1 when c is not in it.
// Lower case is rejected on purpose: the code is a key, and callers normalise first.
func creditValue(c byte) int {
	for i := 0; i < len(CreditCharset); i++ {
		if CreditCharset[i] == c {
			return i
		}
	}
	return -1
}

// CreditCodeCheck returns the check character (position 18) of a unified
// social credit code whose first 17 characters are first17. It reports false
// when first17 is not 17 characters of the GB 32100 alphabet.
func CreditCodeCheck(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := creditValue(first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return CreditCharset[c], true
}

// ValidCreditCode reports whether code is an 18-character unified social
// credit code (GB 32100-2015) with a correct check character. It does not
// trim or upper-case: a code that needs either is not in its canonical form.
func ValidCreditCode(code string) bool {
	if len(code) != 18 {
		return false
	}
	want, ok := CreditCodeCheck(code[:17])
	return ok && code[17] == want
}

// orgCodeCheck returns the GB 11714 check character for the eight-digit body
// of an organisation code; 'X' stands for 10, which the credit-code alphabet
// also admits, so the result is always a valid credit-code character.
func OrgCodeCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(body[i]-'0') * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// orgSpace is the number of eight-digit organisation-code bodies.
const OrgSpace = 100_000_000

// orgScramble maps serial, modulo 10^8, one-to-one onto eight-digit numbers.
// Each step is invertible: the multipliers end in 1, so they are coprime to
// 10^8, and a digit reversal is its own inverse. Multiplication only carries
// low digits upward, so the reversals in between let every digit of the
// result depend on every digit of serial, and neighbouring serials share no
// visible pattern.
func OrgScramble(serial int64) int64 {
	n := (serial%OrgSpace + OrgSpace) % OrgSpace
	for round, m := range [3]int64{48_271, 7_654_321, 3_141_591} {
		n = (n*m + 10_000_019) % OrgSpace
		if round == 2 {
			break
		}
		r := int64(0)
		for i := 0; i < 8; i++ {
			r = r*10 + n%10
			n /= 10
		}
		n = r
	}
	return n
}

// MakeCreditCode builds a valid credit code for an enterprise registered by
// market regulation (positions 1-2 "91") in region, a six-digit
// administrative division code such as "211103". The organisation code is a
// bijection of serial modulo 10^8, so distinct serials in that range give
// distinct codes, yet consecutive serials do not look consecutive. It panics
// when region is not six digits, since regions come from the program's own
// tables and a bad one is a bug, not input.
func MakeCreditCode(region string, serial int) string {
	if len(region) != 6 {
		panic(fmt.Sprintf("db: MakeCreditCode: region %q is not six digits", region))
	}
	for i := 0; i < 6; i++ {
		if region[i] < '0' || region[i] > '9' {
			panic(fmt.Sprintf("db: MakeCreditCode: region %q is not six digits", region))
		}
	}
	body := fmt.Sprintf("%08d", OrgScramble(int64(serial)))
	first17 := "91" + region + body + string(OrgCodeCheck(body))
	check, _ := CreditCodeCheck(first17)
	return first17 + string(check)
}
