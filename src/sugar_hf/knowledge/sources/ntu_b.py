"""Hand-written descriptions, NTU RGB+D classes A041-A080 (source of ``descriptions/ntu120.jsonl``)."""

SOURCE = r"""
@ sneeze/cough
syn: sneezing | coughing | cough into the hand
head: jerks forward and down suddenly, then lifts back
hands: one hand or the crook of the elbow covers the mouth and nose
arms: one arm rises fast to bring the hand or elbow in front of the mouth
hips: the trunk flexes forward briefly with the spasm
legs: the knees may give slightly
feet: stay planted
vis: a hand or the inside of the elbow covers the mouth
vis: the head and shoulders jerk forward abruptly
vis: the hand holds nothing, or a tissue
vis: the upper body bends for a moment and straightens again

@ staggering
syn: stagger | walking unsteadily | stumbling around
head: sways and bobs irregularly
hands: move out loosely to catch balance
arms: swing out to the sides irregularly
hips: shift side to side unevenly
legs: take uneven, lurching steps with knees bending unpredictably
feet: land at irregular places, crossing or spreading wide
vis: the body sways and the steps wander in different directions
vis: the arms flail outward for balance
vis: the trunk leans and recovers repeatedly
vis: no object is held

@ falling
syn: fall down | collapse | falling to the ground
head: drops toward the floor quickly
hands: reach toward the floor to break the fall
arms: extend forward or downward to catch the body
hips: drop rapidly to the ground
legs: buckle at the knees and fold
feet: slide or lose contact as the body goes down
vis: the body moves from standing to lying or sitting on the floor in a short time
vis: the hands hit the floor first to cushion the fall
vis: the knees buckle and the trunk drops
vis: the person ends low on the ground

@ touch head (headache)
syn: headache | hold one's head | hand on forehead in pain
head: bows forward and down into the hand
hands: one or both hands press on the forehead or temples
arms: the elbows bend and lift so the hands reach the head, staying there
hips: stay still
legs: stand still
feet: stay planted
vis: the palm presses against the forehead or the side of the head
vis: the head is lowered into the hand
vis: the hand stays on the head for a while, massaging
vis: the posture is slumped and tired

@ touch chest (stomachache/heart pain)
syn: chest pain | stomachache | clutch chest
head: bends forward and down toward the chest
hands: one or both hands press flat on the chest or stomach
arms: bend and pull in so the hands cover the front of the trunk
hips: flex slightly forward
legs: the knees may bend slightly
feet: stay planted
vis: the hands are pressed flat on the chest or belly
vis: the upper body hunches over the hands
vis: the hands hold nothing
vis: the posture curls inward as if in pain

@ touch back (backache)
syn: backache | hold one's lower back | hand on back in pain
head: tilts back or to the side with discomfort
hands: one or both hands press on the lower back just above the hips
arms: bend behind the body with the elbows pointing backward and outward
hips: push forward slightly as the back arches
legs: stand still
feet: stay planted
vis: the hands are placed behind the body on the lower back
vis: the elbows stick out backward
vis: the back arches slightly and the chest pushes out
vis: the hands rub or press the same spot

@ touch neck (neckache)
syn: neck pain | rub one's neck | hold the back of the neck
head: tilts forward or to the side, rolling slowly
hands: one hand grips or rubs the back or side of the neck
arms: one arm rises with the elbow forward and up so the hand reaches the neck
hips: stay still
legs: stand still
feet: stay planted
vis: the hand cups the back of the neck
vis: the elbow points forward at shoulder height
vis: the head bends away from the hand while it massages
vis: the other arm hangs relaxed

@ nausea or vomiting condition
syn: vomiting | feeling sick | retching
head: drops forward and down sharply
hands: one hand covers the mouth or both hands press on the stomach or knees
arms: bend toward the mouth or brace on the thighs
hips: flex forward as the trunk doubles over
legs: bend at the knees
feet: stay planted, widening for stability
vis: the trunk doubles over forward suddenly
vis: one hand is pressed over the mouth
vis: the other hand holds the stomach or braces on a knee
vis: the head hangs low in front of the body

@ use a fan (with hand or paper)/feeling warm
syn: fanning oneself | feeling hot | wave air at the face
head: tilts slightly up or to the side toward the air
hands: one hand holds a sheet of paper or a fan, or the open hand itself, and flaps it near the face
arms: the forearm swings quickly back and forth in front of the face with the elbow bent
hips: stay still
legs: stand still
feet: stay planted
vis: a sheet of paper or a fan is held in front of the face
vis: the wrist flaps rapidly toward the face
vis: the other hand may pull at the collar
vis: the movement is fast and repetitive at face height

@ punching/slapping other person
syn: punch someone | slap another person | hit with the fist
head: faces the other person
hands: one hand forms a fist or open palm and strikes the other person's body or face
arms: the striking arm draws back and then shoots forward fast toward the other person
hips: rotate behind the strike
legs: the front knee bends to lunge slightly
feet: step toward the other person
vis: two people face each other and one strikes at the other's head or chest
vis: the attacker's fist or palm makes contact with the other person
vis: the other person recoils or raises the hands to defend
vis: the striking arm is fully extended at impact

@ kicking other person
syn: kick someone | kicking another person | foot strike at a person
head: faces the other person
hands: stay close to the body, often in fists
arms: swing for balance
hips: drive forward and rotate with the kick
legs: one leg lifts and extends toward the other person
feet: the kicking foot strikes the other person's leg or body while the other foot supports
vis: one person lifts a foot toward another person standing close
vis: the foot makes contact with the other person's legs or trunk
vis: the victim steps back or flinches
vis: the kicker balances on one leg

@ pushing other person
syn: push someone | shove another person | pushing away
head: faces the other person
hands: both palms press flat on the other person's chest or shoulders
arms: bend and then extend forcefully forward
hips: drive forward behind the push
legs: one leg steps forward to brace
feet: push against the floor
vis: both hands are pressed against another person's chest or shoulders
vis: the arms straighten and the other person is moved backward
vis: the pusher leans forward into the push
vis: the other person stumbles back a step

@ pat on back of other person
syn: pat someone's back | comforting pat | tap on the shoulder
head: turns toward the other person
hands: one open palm taps repeatedly on the other person's back or shoulder
arms: one arm reaches around or behind the other person, the forearm bouncing lightly
hips: turn slightly toward the other person
legs: stand still beside the other person
feet: stay planted
vis: one person stands beside another with a hand on the other's back
vis: the palm lifts and lands gently several times
vis: the two people stand close, side by side or facing
vis: the touch is light, not a push

@ point finger at the other person
syn: point at someone | accuse by pointing | pointing at a person
head: faces the other person
hands: the index finger extends toward the other person while the other fingers curl
arms: one arm straightens forward toward the other person
hips: stay still
legs: stand still
feet: stay planted
vis: an extended index finger aims at another person facing
vis: the arm is straight and held at chest height
vis: there is no contact between the two people
vis: the pointer may jab the finger forward repeatedly

@ hugging other person
syn: hug someone | embrace | hugging
head: rests beside the other person's head, over the shoulder
hands: rest on or hold the other person's back
arms: both arms open and wrap around the other person's torso or shoulders
hips: move close to the other person
legs: step toward the other person
feet: stand close to the other person's feet
vis: two people stand chest to chest with arms around each other
vis: the hands are placed on the other person's back
vis: the heads are side by side over the shoulders
vis: the two bodies are in full contact

@ giving something to other person
syn: hand over an object | give an item | pass something to someone
head: faces the other person
hands: one hand holds an object out and releases it into the other person's hand
arms: the arm extends forward toward the other person and then withdraws empty
hips: turn toward the other person
legs: may take a step forward
feet: stay planted or step
vis: an object such as a book or a bottle passes from one person's hand to the other's
vis: both people's hands touch the object at the same moment
vis: the giver's arm ends empty, the receiver's hand holds the object
vis: the two people face each other at arm's length

@ touch other person's pocket
syn: pickpocketing | reach into someone's pocket | steal from a pocket
head: looks down toward the other person's hip
hands: one hand slips quietly toward and into the other person's pocket
arms: the arm reaches sideways and low toward the other person's hip
hips: turn toward the other person
legs: approach closely, usually from the side or behind
feet: step lightly close to the other person
vis: one person's hand is at the other person's trouser or jacket pocket
vis: the two people stand very close, side by side
vis: the reaching hand is low at hip height
vis: the other person faces away or does not react

@ handshaking
syn: shake hands | handshake | greeting with a handshake
head: faces the other person, may nod
hands: right hands grip each other palm to palm and pump up and down
arms: the right arms extend forward, bent at the elbow, moving up and down together
hips: face the other person
legs: step toward each other
feet: stand about one arm's length apart
vis: two people clasp right hands between them
vis: the joined hands move up and down a few times
vis: the two stand facing each other at arm's length
vis: the left arms hang relaxed

@ walking towards each other
syn: approach each other | walk toward one another | come together
head: faces the other person
hands: swing loosely
arms: swing in opposition to the legs
hips: move forward with each step
legs: step alternately toward the other person
feet: land heel to toe, closing the distance
vis: two people walk toward each other from opposite sides
vis: the distance between them shrinks
vis: both face each other while walking
vis: no objects are carried

@ walking apart from each other
syn: walk away from each other | separate | move apart
head: faces away from the other person
hands: swing loosely
arms: swing in opposition to the legs
hips: turn away and move forward with each step
legs: step alternately away from the other person
feet: land heel to toe, increasing the distance
vis: two people start close and walk in opposite directions
vis: their backs are turned to each other
vis: the distance between them grows
vis: no objects are carried

@ put on headphone
syn: put on headphones | wear headphones | placing headphones on the ears
head: stays level, tilting slightly as the band goes over
hands: both hands hold the headphones by the ear cups, spread them and place them over the ears
arms: rise from chest height to the sides of the head
hips: stay still
legs: stand still
feet: stay planted
vis: a pair of headphones is held open with both hands at the ear cups
vis: the ear cups are lowered onto both ears with the band over the head
vis: the hands end at the sides of the head, then lower empty
vis: the direction is toward the head, opposite to taking them off

@ take off headphone
syn: remove headphones | take off headphones | headphones off
head: stays level while the band lifts off
hands: both hands grip the ear cups and pull them outward and up off the ears
arms: rise to the sides of the head and come down holding the headphones
hips: stay still
legs: stand still
feet: stay planted
vis: both hands hold the ear cups while they are still on the ears
vis: the headphones are lifted off the head
vis: the headphones end held in front of the chest
vis: the direction is away from the head

@ shoot at the basket
syn: basketball shot | shoot a basketball | throw a ball at the hoop
head: looks up at the basket
hands: both hands hold a ball above the forehead; the shooting hand pushes it off with a wrist flick
arms: extend upward and forward from a bent position, ending high with the wrist bent down
hips: rise as the body extends
legs: bend and then straighten, often with a jump
feet: push off the floor
vis: a ball is held above the head with both hands before the shot
vis: the arms extend upward toward a high target
vis: the wrist snaps forward at release
vis: the knees bend and straighten with a small jump

@ bounce ball
syn: dribble a ball | bouncing a ball | basketball dribbling
head: looks down at the ball
hands: one open palm pushes a ball down to the floor and meets it as it comes back
arms: the forearm pumps down and up rhythmically at the side of the body
hips: stay low and slightly bent
legs: knees slightly bent
feet: stay planted
vis: a ball bounces between the hand and the floor
vis: the palm pushes down on the top of the ball
vis: the hand moves up and down at waist height repeatedly
vis: the person leans slightly forward over the ball

@ tennis bat swing
syn: swing a tennis racket | tennis stroke | racket swing
head: follows the imagined ball
hands: one hand grips a racket handle
arms: the racket arm swings back and then sweeps forward across the body
hips: rotate strongly with the swing
legs: step into the stroke
feet: weight shifts from the back foot to the front foot
vis: a racket is held in one hand by its handle
vis: the arm sweeps in a wide horizontal arc across the body
vis: the trunk rotates through the swing
vis: the swing ends with the racket over the opposite shoulder

@ juggling table tennis balls
syn: juggling | juggle balls | toss and catch small balls
head: tilts up, eyes following the balls
hands: both hands toss and catch small balls in alternation
arms: the forearms move up and down in small quick arcs in front of the chest
hips: stay still
legs: stand still
feet: stay planted
vis: small light balls fly between the two hands in the air
vis: the hands are held at chest height, palms up
vis: the hands alternate quick tosses and catches
vis: the gaze is directed upward at the balls

@ hush (quite)
syn: hush | shush | finger on lips for quiet
head: faces forward
hands: the index finger is raised vertically and pressed against the lips
arms: one forearm lifts so the hand is in front of the mouth and holds there
hips: stay still
legs: stand still
feet: stay planted
vis: one upright index finger touches the lips
vis: the other fingers are curled
vis: the gesture is held briefly
vis: no object is held

@ flick hair
syn: flip hair | toss hair back | push hair back
head: tosses sideways or back
hands: one hand sweeps under the hair at the side of the head and flicks it back
arms: one arm rises quickly to the side of the head and swings back behind the shoulder
hips: stay still
legs: stand still
feet: stay planted
vis: the hand brushes hair away from the face toward the back
vis: the head tilts with a quick toss
vis: the movement is a single quick sweep, not repeated brushing
vis: no comb or brush is held

@ thumb up
syn: thumbs up | approval gesture | good sign
head: faces forward
hands: one fist is held with the thumb pointing straight up
arms: one arm lifts forward with the elbow bent and holds
hips: stay still
legs: stand still
feet: stay planted
vis: a closed fist with the thumb extended upward
vis: the hand is held in front of the chest
vis: the gesture is held still for a moment
vis: the other arm hangs down

@ thumb down
syn: thumbs down | disapproval gesture | bad sign
head: faces forward
hands: one fist is held with the thumb pointing straight down
arms: one arm extends forward with the forearm rotated so the thumb faces the floor
hips: stay still
legs: stand still
feet: stay planted
vis: a closed fist with the thumb extended downward
vis: the hand is held in front of the chest
vis: the gesture is held still for a moment
vis: the other arm hangs down

@ make ok sign
syn: ok gesture | okay hand sign | ring gesture
head: faces forward
hands: the thumb and index finger touch to form a circle while the other fingers stretch up
arms: one forearm lifts to chest or shoulder height and holds
hips: stay still
legs: stand still
feet: stay planted
vis: a ring formed by the thumb and index finger
vis: three fingers extended upward
vis: the hand is held up and still, palm facing out
vis: no object is held

@ make victory sign
syn: victory sign | V sign | peace sign
head: faces forward, often tilted
hands: the index and middle fingers spread in a V while the others curl
arms: one arm lifts to shoulder or face height and holds
hips: stay still
legs: stand still
feet: stay planted
vis: two fingers raised in a V shape, palm facing out
vis: the hand is held near the face or shoulder
vis: the gesture is held still briefly
vis: no object is held

@ staple book
syn: stapling | use a stapler | staple papers
head: looks down at the paper and stapler
hands: one hand holds papers; the other presses down on a stapler with the palm
arms: one forearm pushes downward with a short hard press
hips: stay still
legs: stand still or seated
feet: stay flat
vis: a stapler is held in one hand and clamped on the edge of a stack of paper
vis: the palm presses down sharply on the top of the stapler
vis: the hands work together at waist or table height
vis: the gaze is fixed on the paper edge

@ counting money
syn: count cash | counting banknotes | count bills
head: looks down at the hands
hands: one hand holds a stack of banknotes while the thumb of the other peels them off one by one
arms: the forearms stay bent and still in front of the chest
hips: stay still
legs: stand still
feet: stay planted
vis: a stack of paper notes held in one hand
vis: the thumb flicks notes from the stack into the other hand repeatedly
vis: the hands stay close together at chest height
vis: the head is bent looking at the notes

@ cutting nails
syn: clip nails | cutting fingernails | use a nail clipper
head: bends down toward the hands
hands: one hand holds a small nail clipper and squeezes it at the fingertips of the other hand
arms: both forearms are held close together in front of the chest, almost still
hips: stay still
legs: stand still or seated
feet: stay flat
vis: a small clipper is held at the fingertips of the other hand
vis: the hands are very close together, making tiny squeezing movements
vis: the person looks closely at the fingers
vis: the arms are bent and held near the body

@ cutting paper (using scissors)
syn: cut paper with scissors | scissor cutting | snip paper
head: looks down at the paper
hands: one hand opens and closes scissors while the other holds and turns a sheet of paper
arms: the forearms stay in front of the chest, moving slowly along the cut
hips: stay still
legs: stand still or seated
feet: stay flat
vis: a pair of scissors is held by its finger loops
vis: the blades close on the edge of a sheet of paper
vis: the paper is held in the other hand and rotated as it is cut
vis: the hands move slowly along a line

@ snapping fingers
syn: snap fingers | finger snap | click fingers
head: faces forward
hands: the middle finger presses against the thumb and slides off with a snap
arms: one forearm lifts to chest or shoulder height
hips: stay still
legs: stand still
feet: stay planted
vis: the thumb and middle finger press together and snap
vis: the hand is raised at chest height with the palm half up
vis: the hand holds nothing
vis: a quick short wrist movement, repeated

@ open bottle
syn: unscrew a bottle cap | opening a bottle | twist off the lid
head: looks down at the bottle
hands: one hand grips the body of a bottle while the other twists its cap
arms: the forearms stay bent in front of the chest; one wrist turns repeatedly
hips: stay still
legs: stand still
feet: stay planted
vis: a bottle is held upright in one hand at chest height
vis: the other hand's fingers grip the cap and twist it
vis: the cap is lifted off at the end
vis: the bottle is not brought to the mouth

@ sniff (smell)
syn: smell something | sniffing | smell an object
head: leans forward and tips down toward the hand, pausing under the nose
hands: one hand holds a small object such as a flower or a bottle close to the nose
arms: one forearm lifts to bring the hand under the nose
hips: stay still
legs: stand still
feet: stay planted
vis: an object is held just under the nose, not touching the mouth
vis: the head bends toward the object
vis: the hand pauses at the nose for a moment
vis: the object is not tilted as for drinking

@ squat down
syn: squat | crouch down | squatting
head: lowers with the body and faces forward
hands: rest on the knees or reach forward for balance
arms: extend forward or rest on the thighs
hips: drop down and back until below the knees
legs: the knees bend deeply
feet: stay flat, shoulder width apart
vis: the body lowers into a deep crouch with thighs near horizontal or lower
vis: the arms reach forward or rest on the knees
vis: the heels stay on the floor
vis: nothing is picked up from the floor
"""
