package pii

import "strings"

// Masks work on runes, not bytes, so that a stray non-ASCII character (a
// full-width digit pasted from a Word form, say) is starred whole and never cut
// into invalid UTF-8.

// MaskIDNumber keeps the first 4 and last 4 characters of an ID number and stars
// the rest: enough for a person to recognise their own record in a list, not
// enough to use (R-SEC-01, R-PUB-02). Values of 8 characters or fewer are starred
// entirely, since keeping 4+4 would show all of them.
func MaskIDNumber(s string) string {
	r := []rune(s)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// MaskPhone shows a mainland mobile number the way Chinese services customarily
// do, "138****5678". Anything else (landlines, foreign numbers) keeps only its
// last 4 characters; 4 or fewer are starred entirely.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) == 11 && allDigits(r) {
		return string(r[:3]) + "****" + string(r[7:])
	}
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-4) + string(r[len(r)-4:])
}

func allDigits(r []rune) bool {
	for _, c := range r {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// MaskEmail keeps the domain of an e-mail address and at most the first two characters of
// its local part, "zh***@example.com": enough for a person to recognise their address,
// not enough to write to it. The stars are always three, so the mask does not tell the
// local part's length; a local part of 3 characters or fewer keeps only its first
// (1 or fewer: none). A value without "@" is starred entirely.
func MaskEmail(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return strings.Repeat("*", len([]rune(s)))
	}
	local := []rune(s[:at])
	keep := 2
	if len(local) <= 3 {
		keep = len(local) / 2
	}
	return string(local[:keep]) + "***" + s[at:]
}
