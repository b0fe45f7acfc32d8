// Package interop proves that csmskit's mock speaks the wire protocol of the real Huawei Cloud
// Go SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3, services/csms/v1). Some tests start the
// mock in-process on loopback and drive it with the SDK's own CSMS client over AK/SK signing;
// others run an unmodified application (cmd/csmsapp, built against each SDK version the
// tests cover) against a csmsmock process of their own, configured by environment only.
//
// It is a separate module so that the SDK, a large dependency, stays out of the dependency
// graph of csmskit's users. The package holds no code of its own besides its tests.
package interop
