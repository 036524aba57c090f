package register_test

import (
	"qinqing/db/register"
	"strings"
	"testing"
)

func TestValidCreditCode(t *testing.T) {
	const good = "914403001922038216"
	// lettered has letters in the body and as its check character, so that
	// lower-casing it changes more than digits.
	const lettered = "91211100MA10ABCD0E"
	tests := []struct {
		name string
		code string
		want bool
	}{
		{"known valid", good, true},
		{"valid with letters", lettered, true},
		{"empty", "", false},
		{"17 characters", good[:17], false},
		{"19 characters", good + "0", false},
		{"lower case", strings.ToLower(lettered), false},
		{"leading space", " " + good[:17], false},
		{"full-width digit", "９" + good[1:], false},
		{"I in body", "91440300I92203821" + "6", false},
		{"O in body", "91440300O92203821" + "6", false},
		{"Z in body", "91440300Z92203821" + "6", false},
		{"S in body", "91440300S92203821" + "6", false},
		{"V in body", "91440300V92203821" + "6", false},
		{"I as check", good[:17] + "I", false},
		{"O as check", good[:17] + "O", false},
		{"Z as check", good[:17] + "Z", false},
		{"S as check", good[:17] + "S", false},
		{"V as check", good[:17] + "V", false},
		{"swapped digits", "914403001922038126", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := register.ValidCreditCode(tt.code); got != tt.want {
				t.Errorf("ValidCreditCode(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestValidCreditCodeWrongCheck(t *testing.T) {
	const good = "914403001922038216"
	for i := 0; i < len(register.CreditCharset); i++ {
		c := register.CreditCharset[i]
		if c == good[17] {
			continue
		}
		if code := good[:17] + string(c); register.ValidCreditCode(code) {
			t.Errorf("ValidCreditCode(%q) = true, want false", code)
		}
	}
}

func TestCreditCodeCheck(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
		ok      bool
	}{
		{"91440300192203821", '6', true},
		{"91211100MA10ABCD0", 'E', true},
		{"9144030019220382", 0, false},
		{"914403001922038216", 0, false},
		{"91440300I92203821", 0, false},
		{"91440300a92203821", 0, false},
	}
	for _, tt := range tests {
		got, ok := register.CreditCodeCheck(tt.first17)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CreditCodeCheck(%q) = %q, %v; want %q, %v", tt.first17, got, ok, tt.want, tt.ok)
		}
	}
}

func TestOrgCodeCheck(t *testing.T) {
	tests := []struct {
		body string
		want byte
	}{
		{"19220382", '1'}, // from the known-valid 914403001922038216
		{"00000000", '0'}, // sum 0: 11 - 0 = 11 → '0'
		{"00000001", '9'}, // sum 2
		{"00000005", '1'}, // sum 10
		{"40000000", 'X'}, // sum 12 ≡ 1: 11 - 1 = 10 → 'X'
	}
	for _, tt := range tests {
		if got := register.OrgCodeCheck(tt.body); got != tt.want {
			t.Errorf("orgCodeCheck(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestMakeCreditCode(t *testing.T) {
	regions := []string{"211102", "211103", "211104", "211122", "211100"}
	seen := make(map[string]bool)
	sawX := false
	for i := 0; i < 1000; i++ {
		region := regions[i%len(regions)]
		code := register.MakeCreditCode(region, i)
		if !register.ValidCreditCode(code) {
			t.Fatalf("MakeCreditCode(%q, %d) = %q, not valid", region, i, code)
		}
		if seen[code] {
			t.Fatalf("MakeCreditCode(%q, %d) = %q, a duplicate", region, i, code)
		}
		seen[code] = true
		if code[:2] != "91" || code[2:8] != region {
			t.Errorf("MakeCreditCode(%q, %d) = %q, want prefix 91%s", region, i, code, region)
		}
		if got := register.OrgCodeCheck(code[8:16]); code[16] != got {
			t.Errorf("MakeCreditCode(%q, %d) = %q, organisation check %q, want %q", region, i, code, code[16], got)
		}
		sawX = sawX || code[16] == 'X'
	}
	if !sawX {
		t.Error("no organisation code with check X among 1,000; the X case went untested")
	}
	if a, b := register.MakeCreditCode("211103", 7), register.MakeCreditCode("211103", 7); a != b {
		t.Errorf("MakeCreditCode is not deterministic: %q then %q", a, b)
	}
}

func TestMakeCreditCodeBadRegion(t *testing.T) {
	for _, region := range []string{"", "2111", "21110A", "2111033"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MakeCreditCode(%q, 1) did not panic", region)
				}
			}()
			register.MakeCreditCode(region, 1)
		}()
	}
}

func TestOrgScrambleOneToOne(t *testing.T) {
	// A window across the wrap at 10^8, where a modular slip would show.
	seen := make(map[int64]int64, 200_000)
	for s := int64(register.OrgSpace - 100_000); s < register.OrgSpace+100_000; s++ {
		n := register.OrgScramble(s)
		if n < 0 || n >= register.OrgSpace {
			t.Fatalf("orgScramble(%d) = %d, out of range", s, n)
		}
		if prev, ok := seen[n]; ok {
			t.Fatalf("orgScramble(%d) = orgScramble(%d) = %d", s, prev, n)
		}
		seen[n] = s
	}
}
