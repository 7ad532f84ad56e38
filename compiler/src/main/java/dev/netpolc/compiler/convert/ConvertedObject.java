package dev.netpolc.compiler.convert;

import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyKind;
import java.util.List;
import java.util.Objects;

/** One object a conversion writes, with where it comes from and how exact it is. */
public sealed interface ConvertedObject {
  /** The source policy it translates. */
  Provenance from();

  /** How exact it is. */
  Exactness exactness();

  /** What the writer adds to the annotations, in words (rules left out and why); may be empty. */
  List<String> notes();

  /** The object's {@code kind}. */
  String kind();

  /** Its namespace, "" when cluster-scoped. */
  String namespace();

  /** Its name. */
  String name();

  /**
   * A NetworkPolicy.
   *
   * @param policy    the object (its name already unique in its namespace)
   * @param from      its source
   * @param exactness how exact it is
   * @param notes     remarks for the reader of the output
   */
  record NetworkPolicyObject(NetworkPolicy policy, Provenance from, Exactness exactness, List<String> notes)
      implements ConvertedObject {
    public NetworkPolicyObject {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(exactness, "exactness");
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return "NetworkPolicy";
    }

    @Override
    public String namespace() {
      return policy.namespace();
    }

    @Override
    public String name() {
      return policy.name();
    }
  }

  /**
   * A v1alpha2 ClusterNetworkPolicy.
   *
   * @param policy    the object, of kind {@link ClusterPolicyKind#CLUSTER_NETWORK_POLICY}
   * @param from      its source
   * @param exactness how exact it is
   * @param notes     remarks for the reader of the output
   */
  record ClusterPolicyObject(ClusterNetworkPolicy policy, Provenance from, Exactness exactness, List<String> notes)
      implements ConvertedObject {
    public ClusterPolicyObject {
      Objects.requireNonNull(policy, "policy");
      if (policy.kind() != ClusterPolicyKind.CLUSTER_NETWORK_POLICY) {
        throw new IllegalArgumentException("a converted cluster policy is written as v1alpha2: " + policy.key());
      }
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(exactness, "exactness");
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return ClusterPolicyKind.CLUSTER_NETWORK_POLICY.kindName();
    }

    @Override
    public String namespace() {
      return "";
    }

    @Override
    public String name() {
      return policy.name();
    }
  }

  // --- Calico (projectcalico.org/v3) objects: written by CalicoYaml ---

  /**
   * A Calico NetworkPolicy or GlobalNetworkPolicy.
   *
   * @param policy    the object
   * @param from      its source
   * @param exactness how exact it is
   * @param notes     remarks for the reader of the output
   */
  record CalicoPolicyObject(CalicoPolicy policy, Provenance from, Exactness exactness, List<String> notes)
      implements ConvertedObject {
    public CalicoPolicyObject {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(exactness, "exactness");
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return policy.kind().kindName();
    }

    @Override
    public String namespace() {
      return policy.global() ? "" : policy.namespace();
    }

    @Override
    public String name() {
      return policy.name();
    }
  }

  /**
   * A Calico Tier.
   *
   * @param tier      the object
   * @param from      its source (the tier, or the ClusterNetworkPolicy tier it stands for)
   * @param exactness how exact it is
   * @param notes     remarks for the reader of the output
   */
  record CalicoTierObject(CalicoTier tier, Provenance from, Exactness exactness, List<String> notes)
      implements ConvertedObject {
    public CalicoTierObject {
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(exactness, "exactness");
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return "Tier";
    }

    @Override
    public String namespace() {
      return "";
    }

    @Override
    public String name() {
      return tier.name();
    }
  }

  /**
   * A Calico NetworkSet or GlobalNetworkSet.
   *
   * @param set       the object
   * @param from      its source
   * @param exactness how exact it is
   * @param notes     remarks for the reader of the output
   */
  record CalicoNetworkSetObject(CalicoNetworkSet set, Provenance from, Exactness exactness, List<String> notes)
      implements ConvertedObject {
    public CalicoNetworkSetObject {
      Objects.requireNonNull(set, "set");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(exactness, "exactness");
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return set.namespace().isEmpty() ? "GlobalNetworkSet" : "NetworkSet";
    }

    @Override
    public String namespace() {
      return set.namespace();
    }

    @Override
    public String name() {
      return set.name();
    }
  }

  /**
   * A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.
   *
   * @param policy    the object (its name already unique in its scope)
   * @param from      its source
   * @param exactness how exact it is
   * @param notes     remarks for the reader of the output
   */
  record CiliumObject(CiliumPolicy policy, Provenance from, Exactness exactness, List<String> notes)
      implements ConvertedObject {
    public CiliumObject {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(exactness, "exactness");
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return policy.kind().kindName();
    }

    @Override
    public String namespace() {
      return policy.clusterwide() ? "" : policy.namespace();
    }

    @Override
    public String name() {
      return policy.name();
    }
  }
}
