namespace Build.Attestations;

/// <summary>The predicate types this build attests, as `cosign verify-attestation --type` names them.</summary>
public static class PredicateTypes
{
    /// <summary>cosign's <c>--type cyclonedx</c>.</summary>
    public const string CycloneDx = "https://cyclonedx.org/bom";

    /// <summary>cosign's <c>--type slsaprovenance1</c>.</summary>
    public const string SlsaProvenanceV1 = "https://slsa.dev/provenance/v1";
}
