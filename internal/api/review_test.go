package api

import (
	"slices"
	"testing"
)

// TestOpenAPIReviewActions: the document's action enum is the dispatch table's actions.
func TestOpenAPIReviewActions(t *testing.T) {
	doc := loadDoc(t)
	raw := doc["components"].(map[string]any)["schemas"].(map[string]any)["ReviewActionName"].(map[string]any)["enum"].([]any)
	var documented []string
	for _, v := range raw {
		documented = append(documented, v.(string))
	}
	slices.Sort(documented)
	if got := reviewActionNames(); !slices.Equal(documented, got) {
		t.Errorf("openapi.json ReviewActionName = %v, dispatch table = %v", documented, got)
	}
}
