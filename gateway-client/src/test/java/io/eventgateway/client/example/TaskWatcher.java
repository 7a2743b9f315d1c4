package io.eventgateway.client.example;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgateway.client.Event;
import io.eventgateway.client.GatewayClient;
import io.eventgateway.client.SubscribeSpec;

public class TaskWatcher {
    public static void main(String[] args) {
        GatewayClient client = GatewayClient.builder()
            .baseUrl(args.length > 0 ? args[0] : "http://127.0.0.1:9090").build();
        long head = client.health().block().headSeq();
        for (int i = 1; i <= 3; i++) {
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("title", "task " + i);
            System.out.println("published seq " + client.publish("task:T-" + i, "task.created", data).block());
        }
        // Every task event after head: the three above, then live ones, resuming across gateway restarts.
        SubscribeSpec spec = SubscribeSpec.builder().patterns("task:*").since(head).build();
        for (Event e : client.subscribe(spec).take(3).toIterable()) {
            System.out.println(e.seq() + " " + e.topic() + " " + e.eventType() + " " + e.data());
        }
        client.dispose();
    }
}
