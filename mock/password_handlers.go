package mock

import (
	"context"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/mock/password"
)

func (h *csmsHandlers) GenerateRandomPassword(_ context.Context, req csmsapi.GenerateRandomPasswordRequestObject) (csmsapi.GenerateRandomPasswordResponseObject, error) {
	var o password.Options
	if b := req.Body; b != nil {
		o = password.Options{
			Length:                  int(deref(b.Length)),
			ExcludeCharacters:       deref(b.ExcludeCharacters),
			ExcludeLowercase:        deref(b.ExcludeLowercase),
			ExcludeUppercase:        deref(b.ExcludeUppercase),
			ExcludeNumbers:          deref(b.ExcludeNumbers),
			ExcludePunctuation:      deref(b.ExcludePunctuation),
			IncludeSpace:            deref(b.IncludeSpace),
			RequireEachIncludedType: deref(b.RequireEachIncludedType),
		}
	}
	p, err := password.Generate(o)
	if err != nil {
		return nil, err
	}
	return csmsapi.GenerateRandomPassword200JSONResponse{Body: csmsapi.GenerateRandomPasswordResponse{Password: &p}}, nil
}
