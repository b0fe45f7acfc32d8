package account

import (
	"encoding/json"
	"strings"
)

// Template returns the rotation function template for secrets of secretType rotated in the
// subType mode (SingleUser or MultiUser) on the database engine. engine is mandatory for RDS
// secrets and taken by no other type, as the vendor's page says.
//
// The vendor documents the template only as a string. csmskit's stand-in is a JSON document
// that names the template and what it is for, so that a client can tell the templates apart
// and pass one on, as it would the service's.
func Template(secretType, subType, engine string) (string, error) {
	if err := checkType(secretType); err != nil {
		return "", err
	}
	if subType != "SingleUser" && subType != "MultiUser" {
		return "", invalid("secret_sub_type %q is neither SingleUser nor MultiUser", subType)
	}
	switch {
	case secretType == RDS && engine == "":
		return "", invalid("engine is mandatory for %s secrets", RDS)
	case secretType == RDS && engine != "mysql" && engine != "postgresql" && engine != "sqlserver":
		return "", invalid("engine %q is not mysql, postgresql or sqlserver", engine)
	case secretType != RDS && engine != "":
		return "", invalid("%s secrets take no engine", secretType)
	}
	name := []string{"csms-rotation", strings.ToLower(strings.TrimSuffix(secretType, "-FG"))}
	if engine != "" {
		name = append(name, engine)
	}
	name = append(name, strings.ToLower(subType))
	doc, err := json.Marshal(struct {
		Name          string `json:"template_name"`
		SecretType    string `json:"secret_type"`
		SecretSubType string `json:"secret_sub_type"`
		Engine        string `json:"engine,omitempty"`
	}{strings.Join(name, "-"), secretType, subType, engine})
	return string(doc), err
}
