package sandbox

// Sandbox-only switches of the Software updates architecture (175), one per kumo gap; real AWS keeps the defaults.
var (
	// examples/software-updates builds the "existing" application CloudFront fronts.
	kumoSoftwareUpdatesApp = map[string]any{
		// kumo has no Auto Scaling service (CreateAutoScalingGroup), and its EC2 service no CreateLaunchTemplate; the
		// switch drops the launch template, the group and the instances' role with them.
		"autoscaling": false,
		// kumo has no EFS service (CreateFileSystem, CreateMountTarget, CreateAccessPoint, PutFileSystemPolicy).
		"efs": false,
	}
)

func init() {
	// The origin fixture of TestSoftwareUpdatesOriginOffload and tools/bench-cdn-offload
	// (test/fixtures/software-updates-origin) applies modules/software-updates alone.
	// S3 switches (PutBucketOwnershipControls, lifecycle read-back); the alarm topic's key has no rotation and the
	// error-rate alarm no TreatMissingData in kumo (profile.go).
	localProfiles["software-updates-origin"] = merge(kumoS3, kumoAlarms, kumoKeyRotation)
	// The whole example still cannot be applied in the sandbox: modules/vpc needs EC2 APIs kumo lacks (see
	// modules/vpc/README.md). These switches are what it would take beyond the network.
	localProfiles["software-updates"] = merge(kumoS3, kumoELBv2, kumoAlarms, kumoKeyRotation, kumoSoftwareUpdatesApp,
		sandboxNoDeletionProtection, sandboxLogsForceDestroy)
}
