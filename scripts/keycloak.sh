#!/usr/bin/env bash
# Starts a Keycloak 26 for MPT-Rec: the distribution from Maven Central (org.keycloak:keycloak-quarkus-dist),
# development mode on 127.0.0.1, the realm governance-ui/src/main/keycloak/mptrec-realm.json imported.
#
#   scripts/keycloak.sh                      # Keycloak on http://127.0.0.1:8180 (admin console: admin / admin)
#   KC_PORT=8280 scripts/keycloak.sh         # another port (then MPTREC_OIDC_URL=http://127.0.0.1:8280/realms/mptrec)
#
# Then, in another terminal, the application with Keycloak instead of the embedded users:
#   java -Dquarkus.profile=keycloak -jar governance-ui/target/quarkus-app/quarkus-run.jar
#
# Keycloak needs Java 21 or newer: KEYCLOAK_JAVA_HOME if set, else JAVA_HOME or the java on PATH when new enough,
# else the newest JDK 21+ found under /usr/lib/jvm (Linux) or /Library/Java/JavaVirtualMachines (macOS).
# Demo users (password = user name): alice amy bob pat carol erin dave admin. For development only.
set -euo pipefail
cd "$(dirname "$0")/.."

KC_VERSION=26.7.3
KC_PORT="${KC_PORT:-8180}"
KC_BASE=governance-ui/target/keycloak
KC_HOME="$KC_BASE/keycloak-$KC_VERSION"

java_major() {  # prints the feature version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1 || echo 0
}

find_java_home() {
  if [ -n "${KEYCLOAK_JAVA_HOME:-}" ]; then echo "$KEYCLOAK_JAVA_HOME"; return; fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
    echo "$JAVA_HOME"; return
  fi
  if command -v java >/dev/null 2>&1 && [ "$(java_major java)" -ge 21 ]; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return
  fi
  local best="" best_major=0 home major
  for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$home/bin/java" ] || continue
    major="$(java_major "$home/bin/java")"
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$home"; best_major="$major"; fi
  done
  [ -n "$best" ] && echo "$best"
}

JAVA_21="$(find_java_home || true)"
if [ -z "$JAVA_21" ]; then
  echo "Keycloak $KC_VERSION needs Java 21 or newer; none found. Set KEYCLOAK_JAVA_HOME to a JDK 21+." >&2
  exit 1
fi

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  echo "Fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip (about 177 MB, once) into $KC_BASE"
  ./mvnw -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$KC_BASE"
fi

mkdir -p "$KC_HOME/data/import"
cp governance-ui/src/main/keycloak/mptrec-realm.json "$KC_HOME/data/import/"
echo "Keycloak $KC_VERSION on http://127.0.0.1:$KC_PORT (Java: $JAVA_21); realm 'mptrec'. Ctrl-C stops it."
export JAVA_HOME="$JAVA_21"
export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"
exec "$KC_HOME/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$KC_PORT" --import-realm
