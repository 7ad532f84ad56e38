package dev.netpolc.compiler.convert;

import dev.netpolc.model.NetworkPolicy;
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
