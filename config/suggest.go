package config

import "strings"

// suggest returns the candidate closest to word when it is close enough to be a likely
// typo ("intervl" → "interval", "api-key" → "api_key"), or "".
func suggest(word string, candidates []string) string {
	w := normalize(word)
	best, bestDist := "", -1
	for _, c := range candidates {
		n := normalize(c)
		if n == w {
			return c
		}
		dist := distance(w, n)
		limit := max(1, min(len([]rune(w)), len([]rune(n)))/3)
		if dist > limit && !(len(w) >= 4 && strings.HasPrefix(n, w)) {
			continue
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

// normalize folds case and writes - and space as _.
func normalize(s string) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(s))
}

// distance is the Levenshtein edit distance between a and b (adjacent swaps count as one).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
