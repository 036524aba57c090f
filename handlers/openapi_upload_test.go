package handlers_test

import "testing"

// Upload routes are described as multipart, so generated clients send files.
func TestOpenAPIDescribesUploads(t *testing.T) {
	a := startAPI(t)
	r := a.do("GET", "/api/v1/openapi.json", "", nil)
	paths, _ := r.JSON["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/appeals/{id}/attachments", "/api/v1/import/enterprises", "/api/v1/public/reports"} {
		op, _ := paths[p].(map[string]any)["post"].(map[string]any)
		body, _ := op["requestBody"].(map[string]any)
		content, _ := body["content"].(map[string]any)
		if _, ok := content["multipart/form-data"]; !ok {
			t.Errorf("%s: request body %v is not multipart", p, content)
		}
	}
}
