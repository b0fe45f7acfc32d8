// Package interop proves that csmskit's mock speaks the wire protocol of the real Huawei Cloud
// Go SDK (github.com/huaweicloud/huaweicloud-sdk-go-v3, services/csms/v1): its tests start the
// mock in-process on loopback and drive it with the SDK's own CSMS client over AK/SK signing.
//
// It is a separate module so that the SDK, a large dependency, stays out of the dependency
// graph of csmskit's users. The package holds no code of its own besides its tests.
package interop
