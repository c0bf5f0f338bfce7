package io.kupgrade.gates;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One broker's JMX readings (MBean names in reference §2 "JMX MBeans"). A reading is empty when the MBean
 * does not exist on that broker version or could not be read.
 *
 * @param brokerState {@code kafka.server:type=KafkaServer,name=BrokerState} Value: 3 RUNNING, 2 RECOVERY, ...
 * @param version {@code kafka.server:type=app-info,id=<id>} Version
 * @param produceConversionsPerSec {@code BrokerTopicMetrics,name=ProduceMessageConversionsPerSec} OneMinuteRate
 * @param fetchConversionsPerSec {@code BrokerTopicMetrics,name=FetchMessageConversionsPerSec} OneMinuteRate
 * @param produceP99Ms {@code kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce} 99thPercentile
 * @param requestHandlerIdle {@code KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent} OneMinuteRate, 0-1
 * @param clients KIP-511 client software connected (brokers 2.5+); empty list when none or unsupported
 */
public record BrokerMetrics(int brokerId, OptionalInt brokerState, Optional<String> version,
                            OptionalDouble produceConversionsPerSec, OptionalDouble fetchConversionsPerSec,
                            OptionalDouble produceP99Ms, OptionalDouble requestHandlerIdle,
                            List<ClientSoftware> clients) {

    /** BrokerState RUNNING (3): unfenced in KRaft, logs loaded in ZooKeeper mode (reference §2). */
    public static final int RUNNING = 3;

    public BrokerMetrics {
        clients = List.copyOf(clients);
    }
}
