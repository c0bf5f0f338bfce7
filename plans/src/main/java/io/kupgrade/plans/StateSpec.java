package io.kupgrade.plans;

/**
 * Where the run's journal and lock live ({@code state:} in the plan).
 *
 * @param store {@link Store#FILE} (default: {@code ~/.kupgrade/state/<cluster>/}, or {@code --state-dir}) or
 *     {@link Store#ZOOKEEPER}, shared by every machine and CI runner that rolls the cluster
 * @param zookeeperConnect for {@code ZOOKEEPER}: the connect string with its chroot (e.g.
 *     {@code zk-1:2181,zk-2:2181/kupgrade}); null for {@code FILE}
 * @param zookeeperAuth for {@code ZOOKEEPER}: digest credentials {@code user:password}; the cluster's nodes are
 *     then created for that user only; null for none (open nodes) and for {@code FILE}
 */
public record StateSpec(Store store, String zookeeperConnect, Secret zookeeperAuth) {

    /** The default: a file journal and lock on the machine that runs kupgrade. */
    public static final StateSpec FILE = new StateSpec(Store.FILE, null);

    /** Without ZooKeeper credentials. */
    public StateSpec(Store store, String zookeeperConnect) {
        this(store, zookeeperConnect, null);
    }

    /** Where state is kept. */
    public enum Store {
        FILE, ZOOKEEPER
    }

    /** @throws IllegalArgumentException without a store, or a ZooKeeper store without a connect string */
    public StateSpec {
        if (store == null) {
            throw new IllegalArgumentException("a state store is required");
        }
        if (store == Store.ZOOKEEPER && (zookeeperConnect == null || zookeeperConnect.isBlank())) {
            throw new IllegalArgumentException("a ZooKeeper state store needs a connect string");
        }
        if (store == Store.FILE) {
            zookeeperConnect = null;
            zookeeperAuth = null;
        }
    }
}
