FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package -DskipTests && cp target/*.jar target/orders.jar

FROM eclipse-temurin:17-jre-jammy
RUN groupadd --system orders && useradd --system --gid orders orders
COPY --from=build /build/target/orders.jar /app/orders.jar
USER orders
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/orders.jar"]
