ARG JRE_IMAGE=eclipse-temurin:21-jre-jammy

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY . .
RUN mvn -B package dependency:copy-dependencies -DoutputDirectory=target/lib

FROM $JRE_IMAGE
COPY --from=build /build/target/lib /app/lib
COPY --from=build /build/target/classes /app/classes
CMD ["java", "-cp", "/app/lib/*:/app/classes", "com.example.audit.Main"]
