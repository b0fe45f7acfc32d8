package csmsmockcontainer

// The mock's demo identity (csmsmock serve's defaults), which Run serves unless
// WithCredentials or WithRegion says otherwise. It is public: use it for demo values only.
const (
	demoProjectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	demoToken     = "MIIcsmsmock-demo-token-0123456789abcdef"
	demoAK        = "CSMSMOCKDEMOAK000001"
	demoSK        = "csmsmockDemoSecretKey0000000000000000000"
	demoRegion    = "cn-north-4"
)

// Credentials are the mock's default identity: a project, and an X-Auth-Token and an AK/SK
// pair allowed every action on it.
type Credentials struct {
	ProjectID string
	Token     string
	AK, SK    string
}

// Option changes how Run starts the mock.
type Option func(*options)

type options struct {
	image    string
	creds    Credentials
	region   string
	fixtures string
	tls      bool
}

func defaultOptions() options {
	return options{
		image:  DefaultImage,
		creds:  Credentials{ProjectID: demoProjectID, Token: demoToken, AK: demoAK, SK: demoSK},
		region: demoRegion,
	}
}

// WithImage starts another image than DefaultImage, e.g. csmskit/csmsmock:v1.2.3.
func WithImage(image string) Option {
	return func(o *options) { o.image = image }
}

// WithCredentials serves another identity than the demo one; an empty field keeps its demo
// value.
func WithCredentials(c Credentials) Option {
	return func(o *options) {
		set := func(field *string, value string) {
			if value != "" {
				*field = value
			}
		}
		set(&o.creds.ProjectID, c.ProjectID)
		set(&o.creds.Token, c.Token)
		set(&o.creds.AK, c.AK)
		set(&o.creds.SK, c.SK)
	}
}

// WithRegion names the project after another region than cn-north-4.
func WithRegion(region string) Option {
	return func(o *options) { o.region = region }
}

// WithFixtures copies a fixtures file (projects, credentials, users and secrets; see the
// repository's examples/fixtures.yaml) into the container and loads it at start, instead of
// the demo secret.
func WithFixtures(path string) Option {
	return func(o *options) { o.fixtures = path }
}

// WithTLS serves HTTPS, with a certificate signed by an authority the mock makes at start:
// trust Container.CACertPEM.
func WithTLS() Option {
	return func(o *options) { o.tls = true }
}

// serveArgs is the container's command. Every setting is a flag, so that any version of the
// image serves the same.
func (o options) serveArgs() []string {
	args := []string{"serve", "--addr", "0.0.0.0:8080",
		"--project-id", o.creds.ProjectID, "--token", o.creds.Token,
		"--ak", o.creds.AK, "--sk", o.creds.SK, "--region", o.region}
	if o.fixtures != "" {
		args = append(args, "--fixtures", fixturesPath)
	}
	if o.tls {
		args = append(args, "--tls", "--tls-cert-out", caPath)
	}
	return args
}

// serveEnv is the container's environment: the admin token, and what the image's health check
// (csmsmock health, which reads serve's settings from the environment) needs to ask the mock
// the way it serves.
func (o options) serveEnv(adminToken string) map[string]string {
	env := map[string]string{adminTokenEnv: adminToken}
	if o.tls {
		env["CSMSMOCK_TLS"] = "true"
		env["CSMSMOCK_TLS_CERT_OUT"] = caPath
	}
	return env
}
