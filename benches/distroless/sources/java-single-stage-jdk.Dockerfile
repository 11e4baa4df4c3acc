FROM eclipse-temurin:17-jdk
WORKDIR /opt/app
COPY . .
RUN ./gradlew --no-daemon installDist
EXPOSE 7070
CMD ["java", "-jar", "/opt/app/build/libs/gateway.jar"]
