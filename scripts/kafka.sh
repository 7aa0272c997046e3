#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker in KRaft mode (no ZooKeeper) for MPT-Rec's event pipeline: Kafka from Maven
# Central (org.apache.kafka:kafka_2.13, the version scripts/kafka/pom.xml names), listening on 127.0.0.1 only.
#
#   scripts/kafka.sh                    # broker on 127.0.0.1:9092 (its controller on 9093), in the foreground
#   KAFKA_PORT=19092 scripts/kafka.sh   # another port (the controller takes the next one)
#   scripts/kafka.sh --background       # start it, wait until it listens, print its pid and return
#   scripts/kafka.sh --fetch            # only fetch the broker's jars (once per local Maven repository)
#   KAFKA_DATA=dir scripts/kafka.sh     # where it keeps its log (default scripts/kafka/target/data-PORT, kept)
#
# Then the application on PostgreSQL, publishing to Kafka and running an aggregator (see the README's deployment
# section for more replicas and a separate aggregator):
#   java -Dquarkus.profile=postgresql -Dmptrec.ab.events.transport=kafka \
#        -Dmptrec.ab.events.kafka.bootstrap-servers=127.0.0.1:9092 -Dmptrec.ab.events.aggregator.enabled=true \
#        -jar governance-ui/target/quarkus-app/quarkus-run.jar
# For development and tests only: one broker, replication factor 1, no authentication.
set -euo pipefail
cd "$(dirname "$0")/.."

KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT=$((KAFKA_PORT + 1))
HOME_DIR=scripts/kafka/target
KAFKA_DATA="${KAFKA_DATA:-$HOME_DIR/data-$KAFKA_PORT}"
CLASSPATH_FILE="$HOME_DIR/classpath.txt"

fetch() {
  if [ -s "$CLASSPATH_FILE" ] && tr ':' '\n' < "$CLASSPATH_FILE" | while read -r jar; do [ -f "$jar" ] || exit 1; done; then
    return
  fi
  mkdir -p "$HOME_DIR"
  echo "Fetching the Kafka broker's jars from Maven Central (about 40 MB, once)" >&2
  ./mvnw -B -q -f scripts/kafka/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$(pwd)/$CLASSPATH_FILE" >&2
}

fetch
if [ "${1:-}" = "--fetch" ]; then
  exit 0
fi

mkdir -p "$KAFKA_DATA"
CONFIG="$KAFKA_DATA/server.properties"
cat > "$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$(cd "$KAFKA_DATA" && pwd)/log
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
PROPERTIES

CP="$(cat "$CLASSPATH_FILE")"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
LOGGING=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dlog4j2.level=warn)
if [ ! -f "$KAFKA_DATA/log/meta.properties" ]; then
  "$JAVA" "${LOGGING[@]}" -cp "$CP" kafka.tools.StorageTool format --config "$CONFIG" --standalone \
    --cluster-id "$("$JAVA" "${LOGGING[@]}" -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)" \
    >/dev/null
fi

BROKER=("$JAVA" -Xms256m -Xmx512m "${LOGGING[@]}" -cp "$CP" kafka.Kafka "$CONFIG")
if [ "${1:-}" != "--background" ]; then
  echo "Kafka on 127.0.0.1:$KAFKA_PORT (log in $KAFKA_DATA). Ctrl-C stops it." >&2
  exec "${BROKER[@]}"
fi

"${BROKER[@]}" > "$KAFKA_DATA/broker.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then
    echo "$PID"
    exit 0
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "Kafka did not start; its log ($KAFKA_DATA/broker.log) ends with:" >&2
    tail -n 30 "$KAFKA_DATA/broker.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "Kafka did not listen on 127.0.0.1:$KAFKA_PORT within 60 s; see $KAFKA_DATA/broker.log" >&2
kill "$PID" 2>/dev/null || true
exit 1
