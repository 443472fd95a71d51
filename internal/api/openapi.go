package api

import (
	_ "embed"
	"net/http"

	"zhicheng/internal/model"
)

// openapiDoc is the hand-written OpenAPI 3.0 document of this package's routes;
// openapi_test.go checks that it lists exactly the routes of Routes.
//
//go:embed openapi.json
var openapiDoc []byte

func (x *API) openapi(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openapiDoc) // a failed write means the client went away: nothing left to tell it
	return nil
}
